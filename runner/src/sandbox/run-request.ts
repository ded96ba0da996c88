/**
 * What every engine hands a run, whatever runs it: Node's flags, the environment every run gets, and the request
 * that bootstrap.mjs reads from stdin (a JSON header line with the run's environment, then the code).
 */
import type { ExecSpec } from "./types.ts";

/** Node flags shared by the engines that run Node directly. */
export function nodeFlags(memoryMb: number): string[] {
  return [
    // V8's heap stays below the memory limit, so an allocation loop ends in a clean heap error.
    `--max-old-space-size=${Math.max(32, Math.floor(memoryMb * 0.75))}`,
    "--enable-source-maps",
    "--no-warnings",
  ];
}

/** Environment every run gets, whatever the engine. */
export function baseEnv(): Record<string, string> {
  return { KAFKAJS_NO_PARTITIONER_WARNING: "1", NODE_ENV: "production" };
}

/** The bootstrap's input: a header line with the run's environment, then the code. */
export function requestLine(spec: ExecSpec): string {
  return `${JSON.stringify({ env: spec.env })}\n${spec.code}`;
}
