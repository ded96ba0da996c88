/**
 * Splits a snippet's stdout into learner text and structured `lab` events. `lab` writes each event as one line
 * that starts with EVENT_PREFIX; this works the same in every engine (no extra file descriptors to plumb).
 */
import { kafkaEventSchema, type KafkaEvent } from "../protocol/index.ts";

export const EVENT_PREFIX = "\u001eoffset:";
/** Longest line held back as a possible event; longer ones are text (events are small). */
export const MAX_EVENT_LINE = 64 * 1024;

export class StdoutDemux {
  private pending = "";
  private readonly onText: (text: string) => void;
  private readonly onEvent: (event: KafkaEvent) => void;

  constructor(onText: (text: string) => void, onEvent: (event: KafkaEvent) => void) {
    this.onText = onText;
    this.onEvent = onEvent;
  }

  /** Feeds a chunk; complete lines are dispatched, a partial line waits for the rest. */
  push(chunk: string): void {
    const data = this.pending + chunk;
    const lastNewline = data.lastIndexOf("\n");
    if (lastNewline === -1) {
      // No complete line yet. Plain text can stream now unless it might be the start of an event line.
      const maybeEvent = EVENT_PREFIX.startsWith(data.slice(0, EVENT_PREFIX.length)) || data.startsWith(EVENT_PREFIX);
      if (maybeEvent && data.length <= MAX_EVENT_LINE) this.pending = data;
      else {
        this.pending = "";
        this.onText(data);
      }
      return;
    }
    this.pending = data.slice(lastNewline + 1);
    let text = "";
    for (const line of data.slice(0, lastNewline + 1).split(/(?<=\n)/)) {
      const event = line.startsWith(EVENT_PREFIX) ? parseEvent(line.slice(EVENT_PREFIX.length)) : undefined;
      if (event) {
        if (text) this.onText(text);
        text = "";
        this.onEvent(event);
      } else text += line;
    }
    if (text) this.onText(text);
    if (this.pending && (!this.pending.startsWith(EVENT_PREFIX.slice(0, this.pending.length)) || this.pending.length > MAX_EVENT_LINE)) {
      this.onText(this.pending);
      this.pending = "";
    }
  }

  /** Flushes whatever is left when the process ends. */
  end(): void {
    if (this.pending) this.onText(this.pending);
    this.pending = "";
  }
}

function parseEvent(json: string): KafkaEvent | undefined {
  try {
    const parsed = kafkaEventSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
