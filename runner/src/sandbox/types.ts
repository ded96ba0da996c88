/** The execution-engine contract: how one transpiled snippet runs, whatever isolates it. */
import type { EndReason, KafkaEvent } from "../protocol/index.ts";

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
  exec(spec: ExecSpec): Promise<ExecResult>;
  /** Releases warm processes and temp folders. */
  close(): Promise<void>;
}

/** The engine cannot run code here; the message says how to enable one. */
export class EngineUnavailableError extends Error {
  override readonly name = "EngineUnavailableError";
}
