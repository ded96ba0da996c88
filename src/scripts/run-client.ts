/**
 * Streams one run from POST /api/runs. Every server-sent event is validated against the shared protocol; a
 * network failure or a 4xx becomes a readable message instead of a spinner that never ends.
 */
import { parseRunEvent, type RunEvent } from "../../runner/src/protocol/index.ts";

export interface RunOptions {
  exercise?: string | undefined;
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
      body: JSON.stringify({ code, lang: "ts", ...(options.exercise ? { exercise: options.exercise } : {}) }),
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

  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let ended = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let boundary: number;
      while ((boundary = buffer.indexOf("\n\n")) !== -1) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        const event = parseBlock(block);
        if (event) {
          if (event.event === "end") ended = true;
          options.onEvent(event);
        }
      }
    }
  } catch {
    if (options.signal.aborted) return;
    throw new RunError("The connection to the runner was lost during the run. Check that `npm start` is still running.");
  }
  if (!ended && !options.signal.aborted)
    throw new RunError("The run stream ended without a result. The runner may have restarted; run again.");
}

function parseBlock(block: string): RunEvent | undefined {
  let name = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) name = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
  }
  try {
    return parseRunEvent(name, data.join("\n"));
  } catch {
    return undefined;
  }
}
