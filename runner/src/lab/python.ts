/**
 * How a `py` snippet runs: the runner wraps the learner's script in a module that calls `runPython`, inside the
 * same sandbox and under the same network rule as TypeScript. Python 3 runs it with confluent-kafka, kafka-python
 * and the course's `lab` module importable (the engine mounts them for `py` runs only), unbuffered so output
 * streams as it is printed. `lab` for Python reads LAB_BOOTSTRAP, LAB_PREFIX and the session's login.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runToExit } from "./child.ts";

const env = typeof process === "object" ? process.env : {};

/** Runs `script` with Python 3 and ends the run with its exit status. */
export async function runPython(script: string): Promise<void> {
  const python = env.LAB_PYTHON;
  if (!python) {
    console.error(`[offset] Python is not available to this run${env.LAB_PYTHON_UNAVAILABLE ? `: ${env.LAB_PYTHON_UNAVAILABLE}` : "."}`);
    process.exitCode = 1;
    return;
  }
  // A file, not -c, so that a traceback names the snippet's lines.
  const file = path.join(env.TMPDIR ?? os.tmpdir(), "snippet.py");
  fs.writeFileSync(file, script, { mode: 0o600 });
  await runToExit(python, ["-u", "-X", "utf8", file], {
    ...env,
    PYTHONPATH: env.LAB_PYTHON_PATH ?? "",
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONNOUSERSITE: "1",
    LAB_BOOTSTRAP: env.LAB_BROKERS ?? "",
    LAB_PREFIX: env.LAB_SESSION ? `${env.LAB_SESSION}.` : "",
  });
}
