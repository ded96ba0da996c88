import { describe, expect, it } from "vitest";
import { InvalidRunEvent, parseRunStream, readRunEvents } from "./sse.ts";

/** A response body that arrives in the given pieces. */
function body(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function all(stream: ReadableStream<Uint8Array>, onInvalid?: (e: InvalidRunEvent) => void) {
  const events = [];
  for await (const event of readRunEvents(stream, onInvalid)) events.push({ event: event.event, data: event.data });
  return events;
}

describe("readRunEvents", () => {
  it("reads events split anywhere across chunks, with CRLF framing and comments", async () => {
    const events = await all(
      body(
        "event: std",
        'out\r\ndata: {"text":"hi\\n"}\r\n\r\n: keep-alive\n\nevent: end\ndata: {"exitCode":0,',
        '"reason":"ok","durationMs":5}\n\n',
      ),
    );
    expect(events).toEqual([
      { event: "stdout", data: { text: "hi\n" } },
      { event: "end", data: { exitCode: 0, reason: "ok", durationMs: 5 } },
    ]);
  });

  it("stamps each event with the time it arrived", async () => {
    const before = performance.now();
    for await (const event of readRunEvents(body('event: stdout\ndata: {"text":"x"}\n\n'))) {
      expect(event.at).toBeGreaterThanOrEqual(before);
    }
  });

  it("reports an event the protocol does not accept instead of dropping it", async () => {
    await expect(all(body('event: stdout\ndata: {"txt":1}\n\n'))).rejects.toThrow(InvalidRunEvent);
    await expect(all(body("event: surprise\ndata: {}\n\n"))).rejects.toThrow(/invalid "surprise" event/);
    const seen: string[] = [];
    const events = await all(body('event: stdout\ndata: not json\n\nevent: stdout\ndata: {"text":"ok"}\n\n'), (e) => seen.push(e.event));
    expect(seen).toEqual(["stdout"]);
    expect(events).toEqual([{ event: "stdout", data: { text: "ok" } }]);
  });
});

describe("parseRunStream", () => {
  it("parses a whole stream, including a last event without its blank line", () => {
    expect(parseRunStream('event: start\ndata: {"runId":"r","engine":"sandbox"}\n\nevent: stderr\ndata: {"text":"e"}')).toEqual([
      { event: "start", data: { runId: "r", engine: "sandbox" } },
      { event: "stderr", data: { text: "e" } },
    ]);
  });
});
