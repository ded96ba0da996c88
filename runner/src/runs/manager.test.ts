import { describe, expect, it } from "vitest";
import { QueueFullError } from "../errors.ts";
import type { RunEvent } from "../protocol/index.ts";
import { FakeEngine, forever } from "../sandbox/fake-engine.ts";
import { RunManager } from "./manager.ts";
import { RunQueue } from "./queue.ts";

function manager(engine: FakeEngine, queue = new RunQueue(1, 1)) {
  return new RunManager({
    engine,
    queue,
    limits: { timeoutMs: 1_000, outputBytes: 1_000, memoryMb: 64, maxProcesses: 8 },
    brokers: () => ["127.0.0.1:19092"],
    labSession: (session) => `s-${session}`,
    exerciseCheck: () => Promise.resolve(undefined),
  });
}

async function drain(events: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const all: RunEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

describe("RunManager with a fake engine", () => {
  it("streams start, output and end, and passes the learner's brokers and session to the engine", async () => {
    const engine = new FakeEngine();
    const run = manager(engine).create({ code: "console.log(1)", lang: "ts" }, "abc");
    const events = await drain(run.events);
    expect(events.map((e) => e.event)).toEqual(["start", "stdout", "end"]);
    expect(events.at(-1)).toMatchObject({ event: "end", data: { reason: "ok", exitCode: 0 } });
    expect(engine.calls[0]?.env).toEqual({ LAB_BROKERS: "127.0.0.1:19092", LAB_SESSION: "s-abc" });
  });

  it("gives Java only to the runs of a lesson that declares it", async () => {
    const engine = new FakeEngine();
    const runs = new RunManager({
      engine,
      queue: new RunQueue(1, 3),
      limits: { timeoutMs: 1_000, outputBytes: 1_000, memoryMb: 64, maxProcesses: 8 },
      brokers: () => ["127.0.0.1:19092"],
      labSession: (session) => `s-${session}`,
      exerciseCheck: () => Promise.resolve(undefined),
      lessonJava: (lesson) => lesson === "kafka-vs-rabbitmq",
      cliLimits: { memoryMb: 512, timeoutMs: 90_000 },
    });
    await drain(runs.create({ code: "1", lang: "ts", lesson: "kafka-vs-rabbitmq" }, "a").events);
    await drain(runs.create({ code: "2", lang: "ts", lesson: "consumers" }, "a").events);
    await drain(runs.create({ code: "3", lang: "ts" }, "a").events);
    expect(engine.calls.map((spec) => spec.java)).toEqual([true, undefined, undefined]);
    // A JVM starts slowly on a busy server: those runs get the CLI's wall clock, but not its memory.
    expect(engine.calls.map((spec) => [spec.limits.timeoutMs, spec.limits.memoryMb])).toEqual([
      [90_000, 64],
      [1_000, 64],
      [1_000, 64],
    ]);
  });

  it("gives Python only to py runs", async () => {
    const engine = new FakeEngine();
    const runs = manager(engine);
    await drain(runs.create({ code: "print(1)", lang: "py" }, "a").events);
    await drain(runs.create({ code: "1", lang: "ts" }, "a").events);
    expect(engine.calls.map((spec) => spec.python)).toEqual([true, undefined]);
    expect(engine.calls[0]?.code).toContain('runPython("print(1)")');
  });

  it("reports a transpile error as an ended run without calling the engine", async () => {
    const engine = new FakeEngine();
    const events = await drain(manager(engine).create({ code: "const = ;", lang: "ts" }, "abc").events);
    expect(events.at(-1)).toMatchObject({ event: "end", data: { reason: "error" } });
    expect(engine.calls).toHaveLength(0);
  });

  it("refuses a run when the queue is full, and a queued run can be cancelled", async () => {
    const runs = manager(new FakeEngine(forever));
    const running = runs.create({ code: "1", lang: "ts" }, "a");
    const waiting = runs.create({ code: "2", lang: "ts" }, "b");
    expect(() => runs.create({ code: "3", lang: "ts" }, "c")).toThrow(QueueFullError);
    waiting.cancel();
    const waited = await drain(waiting.events);
    expect(waited.map((e) => e.event)).toEqual(["queue", "end"]);
    expect(waited.at(-1)).toMatchObject({ data: { reason: "cancelled" } });
    running.cancel();
    expect((await drain(running.events)).at(-1)).toMatchObject({ data: { reason: "cancelled" } });
  });
});
