import { describe, expect, it } from "vitest";
import { RunQueue, type QueuedJob } from "./queue.ts";

/** A job that stays running until `finish()`; records every position it is told. */
function job(session: string, log: string[] = []) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const positions: number[] = [];
  const queued: QueuedJob = {
    session,
    onPosition: (position) => positions.push(position),
    run: () => {
      log.push(session);
      return done;
    },
  };
  return { queued, positions, finish: async () => (finish(), await new Promise((r) => setTimeout(r, 0))) };
}

describe("RunQueue", () => {
  it("starts jobs at once while workers are free", () => {
    const queue = new RunQueue(2, 10);
    const log: string[] = [];
    queue.submit(job("a", log).queued);
    queue.submit(job("b", log).queued);
    expect(log).toEqual(["a", "b"]);
    expect(queue.running).toBe(2);
    expect(queue.queued).toBe(0);
  });

  it("gives sessions turns so one learner's burst cannot starve another", async () => {
    const queue = new RunQueue(1, 10);
    const log: string[] = [];
    const first = job("a", log);
    queue.submit(first.queued);
    const burst = [job("a", log), job("a", log), job("a", log)];
    for (const j of burst) queue.submit(j.queued);
    const other = job("b", log);
    queue.submit(other.queued);
    expect(other.positions).toEqual([1]);
    await first.finish();
    await burst[0]!.finish();
    expect(log).toEqual(["a", "a", "b"]);
  });

  it("refuses jobs beyond the limit (the API answers 429)", () => {
    const queue = new RunQueue(1, 2);
    expect(queue.submit(job("a").queued)).toBe(true);
    expect(queue.submit(job("a").queued)).toBe(true);
    expect(queue.submit(job("b").queued)).toBe(true);
    expect(queue.submit(job("c").queued)).toBe(false);
    expect(queue.queued).toBe(2);
  });

  it("tells a waiting job its position only when it changes", async () => {
    const queue = new RunQueue(1, 10);
    const running = job("a");
    queue.submit(running.queued);
    const second = job("b");
    const third = job("c");
    queue.submit(second.queued);
    queue.submit(third.queued);
    expect(second.positions).toEqual([0]);
    expect(third.positions).toEqual([1]);
    await running.finish();
    expect(third.positions).toEqual([1, 0]);
  });

  it("withdraws a waiting job and moves the others up", () => {
    const queue = new RunQueue(1, 10);
    queue.submit(job("a").queued);
    const leaving = job("b");
    const staying = job("c");
    queue.submit(leaving.queued);
    queue.submit(staying.queued);
    queue.withdraw(leaving.queued);
    expect(queue.queued).toBe(0 + 1);
    expect(staying.positions).toEqual([1, 0]);
    expect(queue.order().map((j) => j.session)).toEqual(["c"]);
  });

  it("frees the worker when a job throws, synchronously or not", async () => {
    const queue = new RunQueue(1, 10);
    const log: string[] = [];
    queue.submit({
      session: "a",
      onPosition() {},
      run: () => {
        throw new Error("boom");
      },
    });
    queue.submit({ session: "b", onPosition() {}, run: () => Promise.reject(new Error("boom")) });
    const last = job("c", log);
    queue.submit(last.queued);
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(["c"]);
    expect(queue.running).toBe(1);
    await last.finish();
    expect(queue.running).toBe(0);
  });

  it("keeps round-robin order across several sessions", () => {
    const queue = new RunQueue(1, 10);
    queue.submit(job("x").queued);
    for (const session of ["a", "a", "b", "a", "c", "b"]) queue.submit(job(session).queued);
    expect(queue.order().map((j) => j.session)).toEqual(["a", "b", "c", "a", "b", "a"]);
  });
});
