import { spawn } from "node:child_process";
import os from "node:os";

/**
 * Runs a program with the run's stdout and stderr, and ends the run with its exit status (128 + the signal's
 * number when a signal ended it). How `sh` and `py` snippets run inside the sandbox.
 */
export async function runToExit(command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<void> {
  const child = spawn(command, args, { stdio: ["ignore", "inherit", "inherit"], env });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  process.exitCode = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
}
