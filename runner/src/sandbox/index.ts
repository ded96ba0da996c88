/**
 * Chooses the execution engine named by RUNNER_ENGINE. `auto` prefers the bubblewrap sandbox, then Docker, and
 * refuses rather than fall back to running learner code unisolated: `process` has to be asked for by name.
 */
import type { Progress } from "../cluster/index.ts";
import type { KafkaCli } from "../cluster/local/kafka-cli.ts";
import { labJavaOnce, type LabJava } from "../cluster/local/lab-tools.ts";
import type { LabPython } from "../cluster/local/python.ts";
import type { Config } from "../config/index.ts";
import { SandboxEngine } from "./bwrap-engine.ts";
import { ProcessEngine } from "./process-engine.ts";
import { prepareRuntime, type Runtime } from "./runtime.ts";
import { EngineUnavailableError, type Engine, type RunLimits } from "./types.ts";

export type { Engine, EngineName, ExecResult, ExecSpec, RunLimits } from "./types.ts";
export { EngineUnavailableError } from "./types.ts";

export interface CreateEngineOptions {
  /** Host bootstrap servers known at start-up; given, the warm pool fills before the first run. */
  brokers?: readonly string[];
  /** Sandboxes that can exist at once (concurrent runs + warm pool); sizes the process limit without cgroups. */
  slots?: number;
  /** Kafka's command-line tools for `sh` runs (kafkaCliOnce); without it they run without them and say so. */
  kafkaCli?: () => Promise<KafkaCli>;
  /** Python and its packages for `py` runs (pythonOnce); without it they are told Python is not available. */
  python?: () => Promise<LabPython>;
}

export async function createEngine(config: Config, progress: Progress = () => {}, options: CreateEngineOptions = {}): Promise<Engine> {
  const runtime = await prepareRuntime(config.OFFSET_HOME);
  // Java for the runs of lessons that declare needs.java: the JDK is found and the lab's tools compiled on the
  // first such run, so a runner whose learners never open those lessons needs no JDK.
  const labJava = labJavaOnce(config.OFFSET_HOME);
  switch (config.RUNNER_ENGINE) {
    case "process":
      progress("Engine: process (learner code is NOT sandboxed; use only on a trusted single-user machine)");
      return new ProcessEngine(runtime, { labJava, kafkaCli: options.kafkaCli, python: options.python });
    case "sandbox": {
      const engine = await startSandbox(runtime, config, options, labJava);
      progress(`Engine: sandbox (bubblewrap, ${engine.limitsNote})`);
      return engine;
    }
    case "docker": {
      const engine = await startDocker(true, config.KAFKA_PORT, config.SERVICES_PORT);
      if (!engine)
        throw new EngineUnavailableError(
          "RUNNER_ENGINE=docker: Docker is not reachable. Start the Docker daemon, or choose RUNNER_ENGINE=sandbox.",
        );
      progress("Engine: docker");
      return engine;
    }
    case "auto": {
      let sandboxProblem: string;
      try {
        const engine = await startSandbox(runtime, config, options, labJava);
        progress(`Engine: sandbox (bubblewrap, ${engine.limitsNote})`);
        return engine;
      } catch (error) {
        sandboxProblem = error instanceof Error ? error.message : String(error);
      }
      const docker = await startDocker(false, config.KAFKA_PORT, config.SERVICES_PORT);
      if (docker) {
        progress("Engine: docker (the bubblewrap sandbox is not available here)");
        return docker;
      }
      throw new EngineUnavailableError(
        "No sandbox for learner code is available, so the runner will not start.\n" +
          `  ${sandboxProblem.split("\n")[0]}\n` +
          "  Enable one: install bubblewrap (apt-get install bubblewrap) with unprivileged user namespaces allowed, or start Docker.\n" +
          "  Or, on a trusted single-user machine only, run learner code without isolation: RUNNER_ENGINE=process.",
      );
    }
  }
}

/** The limits runs get (the warm pool starts sandboxes with them). */
export function limitsFrom(config: Config): RunLimits {
  return {
    timeoutMs: config.RUN_TIMEOUT_MS,
    outputBytes: config.RUN_OUTPUT_LIMIT_BYTES,
    memoryMb: config.RUN_MEMORY_MB,
    maxProcesses: config.RUN_MAX_PROCESSES,
  };
}

async function startSandbox(
  runtime: Runtime,
  config: Config,
  options: CreateEngineOptions,
  labJava: () => Promise<LabJava>,
): Promise<SandboxEngine> {
  const engine = SandboxEngine.create(runtime, {
    warmPool: config.RUN_WARM_POOL,
    limits: limitsFrom(config),
    slots: options.slots,
    labJava,
    kafkaCli: options.kafkaCli,
    python: options.python,
  });
  try {
    await engine.probe();
  } catch (error) {
    await engine.close();
    throw error;
  }
  if (options.brokers?.length) engine.brokersFor(options.brokers);
  return engine;
}

/**
 * The Docker engine lives in its own module (dockerode is heavy) and loads only when asked for. Resolves undefined
 * when Docker is not usable; with `explain`, throws the engine's own EngineUnavailableError instead (it says what
 * to fix).
 */
async function startDocker(explain = false, kafkaPort?: number, servicesPort?: number): Promise<Engine | undefined> {
  const docker = await import("./docker-engine.ts");
  try {
    if (!(await docker.dockerEngineAvailable())) return undefined;
    const engine = new docker.DockerEngine({ kafkaPort, servicesPort });
    await engine.check();
    return engine;
  } catch (error) {
    if (explain && error instanceof EngineUnavailableError) throw error;
    return undefined;
  }
}
