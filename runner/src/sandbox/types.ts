/** The execution-engine contract: how one transpiled snippet runs, whatever isolates it. */
import type { EndReason, KafkaEvent } from "../protocol/index.ts";
import type { KafkaCli } from "../cluster/local/kafka-cli.ts";
import type { LabJava } from "../cluster/local/lab-tools.ts";
import type { LabPython } from "../cluster/local/python.ts";
import type { LearnerEndpoint, ServiceName, SharedFolder } from "../services/types.ts";

export type EngineName = "sandbox" | "docker" | "process" | "fake";

export interface RunLimits {
  /** Wall clock for the whole run. */
  timeoutMs: number;
  /** stdout + stderr bytes before the run is stopped with reason "output-limit". */
  outputBytes: number;
  /** Memory for the snippet's processes, in MiB. */
  memoryMb: number;
  /** Processes and threads the snippet may hold at once. */
  maxProcesses: number;
}

export interface ExecSpec {
  /** ES module JavaScript (already transpiled). It may import "kafkajs" and "lab". */
  code: string;
  /** Environment for the `lab` module: LAB_BROKERS, LAB_SESSION, … (nothing else from the host leaks in). */
  env: Record<string, string>;
  limits: RunLimits;
  /**
   * Companion services this run may reach (its lesson declares them in needs.services), each prepared with
   * `serviceAddresses` first. A run that names none reaches the brokers only.
   */
  services?: readonly ServiceName[];
  /** Host folders the run shares with those services, read and write (see Engine.folderPath). */
  folders?: readonly SharedFolder[];
  /**
   * The run may start Java (its lesson declares `needs.java`): the engine gives it a JDK, the Kafka client jars
   * and the lab's compiled Java tools (runner/kafka/lab), and sets LAB_JAVA (the launcher) and LAB_JAVA_CLASSPATH.
   * An engine that cannot sets LAB_JAVA_UNAVAILABLE to the reason instead, and the run goes ahead without Java.
   * Other runs have no Java on their class path and no way to the tools.
   */
  java?: boolean;
  /**
   * The run is an `sh` snippet: besides Java (as for `java`), the engine gives it Kafka's command-line tools and sets
   * LAB_KAFKA_BIN (the scripts' folder), LAB_KAFKA_CLI_LIBS and LAB_KAFKA_CLI_CONFIG. An engine that cannot sets
   * LAB_KAFKA_CLI_UNAVAILABLE to the reason instead.
   */
  cli?: boolean;
  /**
   * The run is a `py` snippet: the engine gives it Python 3 with the course's packages and sets LAB_PYTHON (the
   * interpreter) and LAB_PYTHON_PATH (lab.py and the packages). An engine that cannot sets LAB_PYTHON_UNAVAILABLE.
   */
  python?: boolean;
  /** Aborting kills the run; it then ends with reason "cancelled". */
  signal: AbortSignal;
  onStdout(text: string): void;
  onStderr(text: string): void;
  /** Structured events the snippet emitted through `lab`. */
  onKafkaEvent(event: KafkaEvent): void;
}

export interface ExecResult {
  exitCode: number | null;
  reason: EndReason;
  durationMs: number;
}

export interface Engine {
  readonly name: EngineName;
  /** False only for the `process` engine: the page and /api/health warn that code is not sandboxed. */
  readonly isolated: boolean;
  /** Bootstrap servers as seen from inside this engine's runs. */
  brokersFor(hostBrokers: readonly string[]): string[];
  /**
   * Readies the way from this engine's runs to a companion service's endpoints, for runs that name the service
   * in `ExecSpec.services` only, and returns how a host address of the service reads inside those runs.
   */
  serviceAddresses(service: ServiceName, endpoints: readonly LearnerEndpoint[]): Promise<(hostAddress: string) => string>;
  /** Where this engine's runs see a shared folder: mounted at `inside`, or at its host path by an engine that cannot mount. */
  folderPath(folder: SharedFolder): string;
  exec(spec: ExecSpec): Promise<ExecResult>;
  /** Readies what `sh` runs need ahead of the first one (engines that have something to prepare). */
  prepareCli?(): Promise<void>;
  /** Releases warm processes and temp folders. */
  close(): Promise<void>;
}

/** The engine cannot run code here; the message says how to enable one. */
export class EngineUnavailableError extends Error {
  override readonly name = "EngineUnavailableError";
}

/** What an engine readies on the first run that asks for it; a run whose tool cannot be readied is told why. */
export interface EngineTools {
  /** Java and the lab's Java tools, for runs with ExecSpec.java (and `sh` runs). */
  labJava?: (() => Promise<LabJava>) | undefined;
  /** Kafka's command-line tools, for `sh` runs. */
  kafkaCli?: (() => Promise<KafkaCli>) | undefined;
  /** Python 3 with the course's packages, for `py` runs. */
  python?: (() => Promise<LabPython>) | undefined;
}
