/**
 * Runs one snippet to its end, whatever runs it (a process, a bubblewrap sandbox, a container): streams its
 * output, enforces the wall clock and the output cap, honours cancellation, and maps how it ended to a reason.
 * Every engine goes through `superviseRun`, so a limit fixed here holds for all of them.
 */
import type { ChildProcess } from "node:child_process";
import type { Readable } from "node:stream";
import type { EndReason } from "../protocol/index.ts";
import { StdoutDemux } from "./output.ts";
import type { ExecResult, ExecSpec } from "./types.ts";

/** How a run ended, as its engine saw it. */
export interface RunExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The engine knows a memory limit killed it (a container's OOMKilled). */
  oomKilled?: boolean | undefined;
  /** It never ran: what to tell the learner. */
  failure?: string | undefined;
}

/** One run as an engine hands it to the supervisor. */
export interface RunHandle {
  stdout: Readable;
  stderr: Readable;
  /** Resolves once the run is over and both streams have ended. */
  exited: Promise<RunExit>;
  /** Kills everything the run started (a process group, a sandbox, a container). Safe to call more than once. */
  kill(): void;
  /** Called after the exit: make sure nothing the run started outlives it. */
  afterExit?(): void;
}

/** Supervises `run` under `spec`'s limits; resolves with how it ended. */
export async function superviseRun(run: RunHandle, spec: ExecSpec, startedAt = performance.now()): Promise<ExecResult> {
  let reason: EndReason | undefined;
  let outputBytes = 0;
  const stop = (why: EndReason) => {
    reason ??= why;
    run.kill();
  };
  const count = (text: string): boolean => {
    outputBytes += Buffer.byteLength(text);
    if (outputBytes <= spec.limits.outputBytes) return true;
    stop("output-limit");
    return false;
  };
  // Raw chunks are counted before the demux, so event lines (and a never-ending "event" with no newline) count too,
  // and nothing is relayed once the run has been stopped.
  const demux = new StdoutDemux(
    (text) => reason === undefined && spec.onStdout(text),
    (event) => reason === undefined && spec.onKafkaEvent(event),
  );
  run.stdout.setEncoding("utf8").on("data", (chunk: string) => count(chunk) && reason === undefined && demux.push(chunk));
  run.stderr.setEncoding("utf8").on("data", (chunk: string) => count(chunk) && reason === undefined && spec.onStderr(chunk));

  const timer = setTimeout(() => stop("timeout"), spec.limits.timeoutMs);
  const onAbort = () => stop("cancelled");
  if (spec.signal.aborted) onAbort();
  else spec.signal.addEventListener("abort", onAbort, { once: true });

  try {
    const exit = await run.exited;
    demux.end();
    if (exit.failure && reason === undefined) {
      spec.onStderr(`${exit.failure}\n`);
      reason = "error";
    }
    return {
      exitCode: exit.code,
      reason: reason ?? (exit.oomKilled ? "killed" : reasonFor(exit.code, exit.signal)),
      durationMs: Math.round(performance.now() - startedAt),
    };
  } finally {
    clearTimeout(timer);
    spec.signal.removeEventListener("abort", onAbort);
    run.afterExit?.();
  }
}

export interface Supervised {
  child: ChildProcess;
  /** Kills everything the run started (a process group, a sandbox). */
  killTree: () => void;
  /** Bytes to write to stdin (the bootstrap header and code); stdin is closed after. */
  input: string;
}

/** A spawned process as a RunHandle: the process-based engines (bwrap, process). */
export function processHandle({ child, killTree, input }: Supervised): RunHandle {
  child.stdin?.on("error", () => {}); // The snippet may exit before reading all of its input.
  child.stdin?.end(input);
  return {
    stdout: child.stdout!,
    stderr: child.stderr!,
    exited: new Promise((resolve) => {
      let failure: string | undefined;
      child.once("error", (error) => {
        failure = `The run could not start: ${error.message}`;
        killTree();
      });
      // "close" comes after stdout and stderr have ended.
      child.once("close", (code, signal) => resolve({ code, signal, failure }));
    }),
    kill: killTree,
    // A detached grandchild, say.
    afterExit: killTree,
  };
}

/** Supervises a spawned process (bwrap and process engines). */
export function supervise(run: Supervised, spec: ExecSpec, startedAt = performance.now()): Promise<ExecResult> {
  return superviseRun(processHandle(run), spec, startedAt);
}

/** How an exit that nobody asked for maps to a reason: signals mean a limit killed the run. */
export function reasonFor(code: number | null, signal: NodeJS.Signals | null): EndReason {
  if (code === 0) return "ok";
  // SIGKILL from the memory cgroup, SIGABRT from V8's heap limit; 137/134 when a wrapper reports them as codes.
  if (signal === "SIGKILL" || signal === "SIGABRT" || code === 137 || code === 134) return "killed";
  return "error";
}
