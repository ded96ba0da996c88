/** Chooses the execution engine named by RUNNER_ENGINE; `auto` prefers the bubblewrap sandbox, then Docker. */
import type { Progress } from "../cluster/index.ts";
import type { Config } from "../config/index.ts";
import { ProcessEngine } from "./process-engine.ts";
import { prepareRuntime } from "./runtime.ts";
import { EngineUnavailableError, type Engine } from "./types.ts";

export type { Engine, EngineName, ExecResult, ExecSpec, RunLimits } from "./types.ts";
export { EngineUnavailableError } from "./types.ts";

export async function createEngine(config: Config, progress: Progress = () => {}): Promise<Engine> {
  const runtime = await prepareRuntime(config.OFFSET_HOME);
  switch (config.RUNNER_ENGINE) {
    case "process":
      progress("Engine: process (learner code is NOT sandboxed; use only on a trusted single-user machine)");
      return new ProcessEngine(runtime);
    case "auto":
    case "sandbox":
    case "docker":
      // The sandbox and docker engines arrive with runner hardening.
      throw new EngineUnavailableError(
        `RUNNER_ENGINE=${config.RUNNER_ENGINE} is not available yet. Set RUNNER_ENGINE=process to run code without a sandbox on a trusted single-user machine.`,
      );
  }
}
