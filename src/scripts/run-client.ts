/**
 * Streams one run from POST /api/runs through the protocol's one reader, which validates every event (an invalid
 * one is logged to the console, not dropped in silence); a network failure or a 4xx becomes a readable message
 * instead of a spinner that never ends.
 */
import type { RunEvent } from "../../runner/src/protocol/index.ts";
import { readRunEvents } from "../../runner/src/protocol/sse.ts";
import type { SnippetLang } from "./snippet-lang.ts";

export interface RunOptions {
  /** The snippet's language: TypeScript, a shell script with the Kafka CLI, or Python. */
  lang: SnippetLang;
  exercise?: string | undefined;
  /** The lesson the code belongs to: its runs reach the companion services it needs. */
  lesson?: string | undefined;
  signal: AbortSignal;
  onEvent(event: RunEvent): void;
  /** The runner assigned an id (used by Stop). */
  onRunId?(id: string): void;
}

/** Thrown for failures the learner should read: the runner is down, the request was refused, and so on. */
export class RunError extends Error {
  override readonly name = "RunError";
}

export async function streamRun(code: string, options: RunOptions): Promise<void> {
  let response: Response;
  try {
    response = await fetch("/api/runs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code,
        lang: options.lang,
        ...(options.exercise ? { exercise: options.exercise } : {}),
        ...(options.lesson ? { lesson: options.lesson } : {}),
      }),
      signal: options.signal,
    });
  } catch {
    if (options.signal.aborted) return;
    throw new RunError("Cannot reach the course runner. Is `npm start` still running? Check the terminal, then try again.");
  }
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    const retry = response.headers.get("Retry-After");
    throw new RunError(body.error ?? `The runner answered ${response.status}.` + (retry ? ` Try again in ${retry} s.` : ""));
  }
  const runId = response.headers.get("X-Run-Id");
  if (runId) options.onRunId?.(runId);

  let ended = false;
  try {
    for await (const event of readRunEvents(response.body, (invalid) => console.error(`[offset] ${invalid.message}`))) {
      if (event.event === "end") ended = true;
      options.onEvent(event);
    }
  } catch {
    if (options.signal.aborted) return;
    throw new RunError("The connection to the runner was lost during the run. Check that `npm start` is still running.");
  }
  if (!ended && !options.signal.aborted)
    throw new RunError("The run stream ended without a result. The runner may have restarted; run again.");
}
