/**
 * An Engine for unit tests of code above the engines (run manager, routes): no process, no sandbox. Each run is
 * handed to a script that writes output and decides how it ends; the defaults echo the code and end "ok".
 */
import type { LearnerEndpoint, ServiceName, SharedFolder } from "../services/types.ts";
import type { Engine, ExecResult, ExecSpec } from "./types.ts";

/** What a fake run does; resolve with how it ended (durationMs is filled in). */
export type FakeScript = (spec: ExecSpec) => Promise<Omit<ExecResult, "durationMs">> | Omit<ExecResult, "durationMs">;

export class FakeEngine implements Engine {
  readonly name = "fake" as const;
  readonly isolated = true;
  /** Every spec exec() was called with, in order. */
  readonly calls: ExecSpec[] = [];
  closed = false;
  private readonly script: FakeScript;

  constructor(script: FakeScript = echo) {
    this.script = script;
  }

  brokersFor(hostBrokers: readonly string[]): string[] {
    return [...hostBrokers];
  }

  /** Runs see a service's host addresses unchanged. */
  serviceAddresses(_service: ServiceName, _endpoints: readonly LearnerEndpoint[]): Promise<(hostAddress: string) => string> {
    return Promise.resolve((hostAddress) => hostAddress);
  }

  /** Runs see shared folders where they would be mounted. */
  folderPath(folder: SharedFolder): string {
    return folder.inside;
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    const startedAt = performance.now();
    this.calls.push(spec);
    if (spec.signal.aborted) return { exitCode: null, reason: "cancelled", durationMs: 0 };
    const cancelled = new Promise<Omit<ExecResult, "durationMs">>((resolve) =>
      spec.signal.addEventListener("abort", () => resolve({ exitCode: null, reason: "cancelled" }), { once: true }),
    );
    const result = await Promise.race([Promise.resolve(this.script(spec)), cancelled]);
    return { ...result, durationMs: Math.round(performance.now() - startedAt) };
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

/** The default script: prints the code it was given and exits 0. */
export function echo(spec: ExecSpec): Omit<ExecResult, "durationMs"> {
  spec.onStdout(spec.code);
  return { exitCode: 0, reason: "ok" };
}

/** A script that never ends by itself (for queue and cancellation tests). */
export function forever(): Promise<never> {
  return new Promise(() => {});
}
