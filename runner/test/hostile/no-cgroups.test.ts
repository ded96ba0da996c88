/**
 * The sandbox where cgroups are not writable: the fallback limits still end a spawn bomb (RLIMIT_NPROC on the
 * sandbox user, set by prlimit) and a runaway heap (Node's heap limit), and nothing outlives the run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ timeoutMs: 3_000, memoryMb: 256, maxProcesses: 64 }, { cgroups: false });
});
afterAll(() => harness?.close());
afterEach(async () => {
  expect(await harness.leftovers()).toEqual([]);
  await harness.expectNormalRunWorks();
  expect(await harness.leftovers()).toEqual([]);
});

describe("hostile snippets: limits without cgroups", () => {
  it("says how limits are enforced", () => {
    expect(harness.engine.cgroups).toBe(false);
    expect(harness.engine.limitsNote).toMatch(process.getuid?.() === 0 ? /RLIMIT_NPROC \(64 for all sandboxes\)/ : /heap size/);
  });

  it("a spawn bomb is refused new processes and ends", async () => {
    const outcome = await harness.run(`
      import { spawn } from "node:child_process";
      let started = 0, refused = 0;
      const burst = () => {
        for (let i = 0; i < 20; i++) {
          const child = spawn("/bin/sleep", ["60"], { detached: true, stdio: "ignore" });
          child.on("spawn", () => started++).on("error", () => refused++);
        }
      };
      setInterval(burst, 20);
      setTimeout(() => console.log("started " + started + " refused " + refused), 1500);
    `);
    expect(outcome.reason).toBe("timeout");
    if (process.getuid?.() === 0) {
      const [, started, refused] = /started (\d+) refused (\d+)/.exec(outcome.stdout) ?? [];
      expect(Number(refused), outcome.stdout).toBeGreaterThan(0);
      expect(Number(started)).toBeLessThan(64);
    }
  });

  it("growing the JavaScript heap is killed at the heap limit", async () => {
    const outcome = await harness.run(`const keep = []; for (;;) keep.push(new Array(1 << 20).fill(1.5));`);
    expect(outcome.reason).toBe("killed");
  });
});
