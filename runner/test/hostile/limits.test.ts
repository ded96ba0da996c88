/**
 * Snippets that try to exhaust the machine or outlive their run. Each ends with the reason the page shows
 * (timeout, killed, output-limit, or error), the next normal run works, and no process is left behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ timeoutMs: 3_000, memoryMb: 256, maxProcesses: 64 });
});
afterAll(() => harness?.close());
afterEach(async () => {
  expect(await harness.leftovers()).toEqual([]);
  await harness.expectNormalRunWorks();
  expect(await harness.leftovers()).toEqual([]);
});

describe("hostile snippets: limits", () => {
  it("an infinite CPU loop ends in timeout", async () => {
    const outcome = await harness.run(`for (;;) {}`);
    expect(outcome.reason).toBe("timeout");
  });

  it("sleeping forever ends in timeout", async () => {
    const outcome = await harness.run(`setInterval(() => {}, 1 << 30); await new Promise(() => {});`);
    expect(outcome.reason).toBe("timeout");
  });

  it("50 MB of output ends at the output limit", async () => {
    const outcome = await harness.run(`const mb = "x".repeat(1 << 20); for (let i = 0; i < 50; i++) process.stdout.write(mb);`);
    expect(outcome.reason).toBe("output-limit");
    expect(outcome.stdout.length).toBeLessThanOrEqual(1024 * 1024);
  });

  it("allocating memory outside the heap is killed by the memory limit", async () => {
    const outcome = await harness.run(`const keep = []; for (;;) keep.push(Buffer.alloc(16 << 20, 1));`);
    expect(outcome.reason).toBe("killed");
  });

  it("growing the JavaScript heap is killed at the heap limit", async () => {
    const outcome = await harness.run(`const keep = []; for (;;) keep.push(new Array(1 << 20).fill(1.5));`);
    expect(outcome.reason).toBe("killed");
  });

  it("a spawn bomb hits the process limit and ends", async () => {
    const outcome = await harness.run(`
      import { spawn } from "node:child_process";
      let started = 0, refused = 0;
      spawn("/bin/sh", ["-c", ":(){ :|:& };:"], { stdio: "ignore" }).on("error", () => {});
      setInterval(() => {
        for (let i = 0; i < 10; i++) {
          const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
          child.on("spawn", () => started++).on("error", () => refused++);
        }
      }, 20);
      setInterval(() => console.log("started " + started + " refused " + refused), 1000);
    `);
    expect(["timeout", "killed", "error"]).toContain(outcome.reason);
  });

  it("a detached process does not outlive its run", async () => {
    const outcome = await harness.run(`
      import { spawn } from "node:child_process";
      const child = spawn(process.execPath, ["-e", "process.on('SIGHUP', () => {}); setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
      child.unref();
      console.log("detached " + child.pid);
    `);
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toMatch(/detached \d+/);
  });
});
