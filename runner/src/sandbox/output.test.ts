import { describe, expect, it } from "vitest";
import type { KafkaEvent } from "../protocol/index.ts";
import { EVENT_PREFIX, MAX_EVENT_LINE, StdoutDemux } from "./output.ts";

function demux() {
  const texts: string[] = [];
  const events: KafkaEvent[] = [];
  const d = new StdoutDemux(
    (text) => texts.push(text),
    (event) => events.push(event),
  );
  return { d, texts, events, text: () => texts.join("") };
}

const produced = { type: "produced", topic: "t", partition: 0, offset: "7" };
const eventLine = `${EVENT_PREFIX}${JSON.stringify(produced)}\n`;

describe("StdoutDemux", () => {
  it("passes plain text through as soon as it arrives, even without a newline", () => {
    const { d, texts } = demux();
    d.push("Waiting");
    d.push(" for records...\n");
    expect(texts).toEqual(["Waiting", " for records...\n"]);
  });

  it("turns an event line into a structured event and keeps the text around it in order", () => {
    const { d, texts, events } = demux();
    d.push(`before\n${eventLine}after\n`);
    expect(events).toEqual([produced]);
    expect(texts).toEqual(["before\n", "after\n"]);
  });

  it("reassembles an event line split across chunks at any point", () => {
    for (let cut = 1; cut < eventLine.length; cut++) {
      const { d, events, text } = demux();
      d.push(eventLine.slice(0, cut));
      d.push(eventLine.slice(cut));
      expect(events, `cut at ${cut}`).toEqual([produced]);
      expect(text()).toBe("");
    }
  });

  it("shows a line that only looks like an event (bad JSON or unknown shape) as text", () => {
    const { d, events, text } = demux();
    d.push(`${EVENT_PREFIX}{not json\n${EVENT_PREFIX}{"type":"nonsense"}\n`);
    expect(events).toEqual([]);
    expect(text()).toContain("{not json");
  });

  it("flushes a held partial line when the process ends", () => {
    const { d, text } = demux();
    d.push(EVENT_PREFIX.slice(0, 3));
    expect(text()).toBe("");
    d.end();
    expect(text()).toBe(EVENT_PREFIX.slice(0, 3));
  });

  it("does not hold back an endless line that starts like an event", () => {
    const { d, text } = demux();
    d.push(EVENT_PREFIX + "x".repeat(MAX_EVENT_LINE));
    expect(text().length).toBeGreaterThan(MAX_EVENT_LINE);
  });
});
