/**
 * Runs one spawned snippet process to its end: streams its output, enforces the wall clock and the output cap,
 * honours cancellation, and maps how it ended to a reason. Shared by the process-based engines.
 */
import type { ChildProcess } from "node:child_process";
import type { EndReason } from "../protocol/index.ts";
import { StdoutDemux } from "./output.ts";
import type { ExecResult, ExecSpec } from "./types.ts";

export interface Supervised {
  child: ChildProcess;
  /** Kills everything the run started (a process group, a sandbox, a container). */
  killTree(): void;
  /** Bytes to write to stdin (the bootstrap header and code); stdin is closed after. */
  input: string;
}

/** Supervises `run` under `spec`'s limits; resolves once the process has exited. */
export function supervise(run: Supervised, spec: ExecSpec, startedAt = performance.now()): Promise<ExecResult> {
  const { child } = run;
  let reason: EndReason | undefined;
  let outputBytes = 0;
  const stop = (why: EndReason) => {
    reason ??= why;
    run.killTree();
  };
  const count = (text: string): boolean => {
    outputBytes += Buffer.byteLength(text);
    if (outputBytes <= spec.limits.outputBytes) return true;
    stop("output-limit");
    return false;
  };
  // Raw chunks are counted before the demux, so event lines (and a never-ending "event" with no newline) count too.
  const demux = new StdoutDemux(
    (text) => reason === undefined && spec.onStdout(text),
    (event) => reason === undefined && spec.onKafkaEvent(event),
  );
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => count(chunk) && reason === undefined && demux.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => count(chunk) && reason === undefined && spec.onStderr(chunk));
  child.stdin?.on("error", () => {}); // The snippet may exit before reading all of its input.
  child.stdin?.end(run.input);

  const timer = setTimeout(() => stop("timeout"), spec.limits.timeoutMs);
  const onAbort = () => stop("cancelled");
  if (spec.signal.aborted) onAbort();
  else spec.signal.addEventListener("abort", onAbort, { once: true });

  return new Promise((resolve) => {
    child.once("error", (error) => {
      spec.onStderr(`The run could not start: ${error.message}\n`);
      stop("error");
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      spec.signal.removeEventListener("abort", onAbort);
      demux.end();
      // Make sure nothing the snippet started outlives it (a detached grandchild, say).
      run.killTree();
      resolve({ exitCode: code, reason: reason ?? reasonFor(code, signal), durationMs: Math.round(performance.now() - startedAt) });
    });
  });
}

/** How an exit that nobody asked for maps to a reason: signals mean a limit killed the run. */
export function reasonFor(code: number | null, signal: NodeJS.Signals | null): EndReason {
  if (code === 0) return "ok";
  // SIGKILL from the memory cgroup, SIGABRT from V8's heap limit; 137/134 when a wrapper reports them as codes.
  if (signal === "SIGKILL" || signal === "SIGABRT" || code === 137 || code === 134) return "killed";
  return "error";
}
