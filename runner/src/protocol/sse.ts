/**
 * The one reader of a run's event stream, for every client: the page, the tests, the lesson checks and the bench.
 * Framing is eventsource-parser's (CRLF, multi-line data, comments, ids); each event is validated against the
 * protocol's schemas, and one that fails is reported, never dropped in silence.
 */
import { createParser } from "eventsource-parser";
import { parseRunEvent, type RunEvent } from "./index.ts";

/** An event the stream carried that this protocol does not accept (a runner and client out of step). */
export class InvalidRunEvent extends Error {
  override readonly name = "InvalidRunEvent";
  readonly event: string;
  readonly data: string;

  constructor(event: string, data: string) {
    super(`The run stream carried an invalid "${event}" event: ${data.slice(0, 200)}`);
    this.event = event;
    this.data = data;
  }
}

function validated(event: string | undefined, data: string): RunEvent {
  const name = event ?? "message";
  let parsed: RunEvent | undefined;
  try {
    parsed = parseRunEvent(name, data);
  } catch {
    parsed = undefined; // not JSON
  }
  if (!parsed) throw new InvalidRunEvent(name, data);
  return parsed;
}

/**
 * Yields each event of a run as it arrives, with the time it arrived (performance.now()). An invalid event
 * throws InvalidRunEvent, unless `onInvalid` takes it (then reading goes on).
 */
export async function* readRunEvents(
  body: ReadableStream<Uint8Array>,
  onInvalid?: (error: InvalidRunEvent) => void,
): AsyncGenerator<RunEvent & { at: number }> {
  const ready: (RunEvent & { at: number })[] = [];
  let invalid: InvalidRunEvent | undefined;
  const parser = createParser({
    onEvent: (message) => {
      try {
        ready.push({ ...validated(message.event, message.data), at: performance.now() });
      } catch (error) {
        if (!(error instanceof InvalidRunEvent)) throw error;
        if (onInvalid) onInvalid(error);
        else invalid ??= error;
      }
    },
  });
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(decoder.decode(value, { stream: true }));
      while (ready.length) yield ready.shift()!;
      if (invalid) throw invalid;
    }
  } finally {
    reader.releaseLock();
  }
}

/** Parses a whole run stream read after it ended (tests, the lesson checks). Invalid events throw. */
export function parseRunStream(text: string): RunEvent[] {
  const events: RunEvent[] = [];
  const parser = createParser({ onEvent: (message) => events.push(validated(message.event, message.data)) });
  parser.feed(text);
  parser.feed("\n\n");
  return events;
}
