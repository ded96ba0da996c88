import type { ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { KafkaEvent } from "../protocol/index.ts";
import { EVENT_PREFIX } from "./output.ts";
import { reasonFor, supervise } from "./supervise.ts";
import type { ExecSpec } from "./types.ts";

/** A stand-in for a spawned process: the test writes its output and decides when and how it exits. */
function fakeChild() {
  const emitter = new EventEmitter();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let input = "";
  stdin.on("data", (chunk) => (input += chunk));
  const child = Object.assign(emitter, { stdout, stderr, stdin }) as unknown as ChildProcess;
  let kills = 0;
  const exit = (code: number | null, signal: NodeJS.Signals | null = null) => {
    stdout.end();
    stderr.end();
    setImmediate(() => emitter.emit("close", code, signal));
  };
  const killTree = () => {
    kills++;
    if (kills === 1) exit(null, "SIGKILL");
  };
  return { child, killTree, exit, stdout, stderr, input: () => input, kills: () => kills };
}

function spec(overrides: Partial<ExecSpec> = {}) {
  const out = { stdout: "", stderr: "", events: [] as KafkaEvent[] };
  const s: ExecSpec = {
    code: "",
    env: {},
    limits: { timeoutMs: 5_000, outputBytes: 1_000, memoryMb: 64, maxProcesses: 8 },
    signal: new AbortController().signal,
    onStdout: (text) => (out.stdout += text),
    onStderr: (text) => (out.stderr += text),
    onKafkaEvent: (event) => out.events.push(event),
    ...overrides,
  };
  return { spec: s, out };
}

describe("supervise", () => {
  it("streams output, writes the input and ends ok on exit code 0", async () => {
    const fake = fakeChild();
    const { spec: s, out } = spec();
    const done = supervise({ child: fake.child, killTree: fake.killTree, input: "header\ncode" }, s);
    fake.stdout.write(`hello\n${EVENT_PREFIX}${JSON.stringify({ type: "produced", topic: "t", partition: 1, offset: "3" })}\n`);
    fake.stderr.write("warning\n");
    fake.exit(0);
    const result = await done;
    expect(result.reason).toBe("ok");
    expect(result.exitCode).toBe(0);
    expect(out.stdout).toBe("hello\n");
    expect(out.stderr).toBe("warning\n");
    expect(out.events).toHaveLength(1);
    expect(fake.input()).toBe("header\ncode");
  });

  it("ends with timeout and kills the tree when the wall clock runs out", async () => {
    const fake = fakeChild();
    const { spec: s } = spec({ limits: { timeoutMs: 50, outputBytes: 1_000, memoryMb: 64, maxProcesses: 8 } });
    const result = await supervise({ child: fake.child, killTree: fake.killTree, input: "" }, s);
    expect(result.reason).toBe("timeout");
    expect(fake.kills()).toBeGreaterThanOrEqual(1);
  });

  it("stops at the output cap and forwards nothing past it", async () => {
    const fake = fakeChild();
    const { spec: s, out } = spec();
    const done = supervise({ child: fake.child, killTree: fake.killTree, input: "" }, s);
    fake.stdout.write("a".repeat(600));
    fake.stderr.write("b".repeat(600));
    const result = await done;
    expect(result.reason).toBe("output-limit");
    expect(out.stdout.length + out.stderr.length).toBeLessThanOrEqual(1_000);
  });

  it("counts event lines against the output cap too", async () => {
    const fake = fakeChild();
    const { spec: s } = spec();
    const done = supervise({ child: fake.child, killTree: fake.killTree, input: "" }, s);
    fake.stdout.write(EVENT_PREFIX + "x".repeat(2_000));
    expect((await done).reason).toBe("output-limit");
  });

  it("ends cancelled when the signal aborts", async () => {
    const fake = fakeChild();
    const controller = new AbortController();
    const { spec: s } = spec({ signal: controller.signal });
    const done = supervise({ child: fake.child, killTree: fake.killTree, input: "" }, s);
    controller.abort();
    expect((await done).reason).toBe("cancelled");
  });

  it("kills the tree after a normal exit too, so detached children die with the run", async () => {
    const fake = fakeChild();
    const { spec: s } = spec();
    const done = supervise({ child: fake.child, killTree: fake.killTree, input: "" }, s);
    fake.exit(0);
    await done;
    expect(fake.kills()).toBe(1);
  });

  it("maps exits to reasons", () => {
    expect(reasonFor(0, null)).toBe("ok");
    expect(reasonFor(1, null)).toBe("error");
    expect(reasonFor(null, "SIGKILL")).toBe("killed");
    expect(reasonFor(137, null)).toBe("killed");
    expect(reasonFor(134, null)).toBe("killed");
  });
});
