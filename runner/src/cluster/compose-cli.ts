/** The compose CLI the tests validate compose files with (`config` parses and checks them offline, no engine needed). */
import { spawnSync } from "node:child_process";

/** `docker compose` (v2 plugin) where installed, else the standalone `docker-compose`; undefined when neither runs. */
export function composeCommand(): string[] | undefined {
  for (const command of [["docker", "compose"], ["docker-compose"]]) {
    const probe = spawnSync(command[0]!, [...command.slice(1), "version"], { stdio: "ignore" });
    if (probe.status === 0) return command;
  }
  return undefined;
}

/** Runs `<compose> -f … config -q` with `env` added to this process's environment. */
export function composeConfig(
  compose: string[],
  files: string[],
  env: Record<string, string> = {},
): { status: number | null; stderr: string } {
  const args = [...compose.slice(1), ...files.flatMap((f) => ["-f", f]), "config", "-q"];
  const result = spawnSync(compose[0]!, args, { encoding: "utf8", env: { ...process.env, ...env } });
  return { status: result.status, stderr: result.stderr };
}
