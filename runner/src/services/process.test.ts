import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManagedProcess, isOurProcess, recordedPids, stopRecorded } from "./process.ts";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-proc-"));
});
afterEach(async () => {
  await stopRecorded(dir);
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A real, harmless process whose command line carries this test's folder. */
const sleeper = (id: string) =>
  new ManagedProcess(dir, {
    id,
    command: process.execPath,
    args: ["-e", "console.log('started'); setTimeout(() => {}, 60_000)", dir],
    needles: ["-e", dir],
  });

describe("ManagedProcess", () => {
  it("starts once, logs, and is recognised by its pid file and command line", async () => {
    const one = sleeper("one");
    const pid = one.start();
    expect(one.start()).toBe(pid);
    expect(one.alive).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(one.logSince()).toContain("started");
    expect(recordedPids(dir)).toEqual([pid]);
    await one.stop();
    expect(isOurProcess(pid, [dir])).toBe(false);
    expect(one.alive).toBe(false);
  });

  it("never signals a stranger: a pid file naming another process is ignored", () => {
    fs.writeFileSync(path.join(dir, "ghost.pid"), String(process.pid));
    const ghost = new ManagedProcess(dir, { id: "ghost", command: "x", args: [], needles: [dir] });
    expect(ghost.pid).toBeUndefined();
  });

  it("stopRecorded stops every recorded process (the guardian's and the next start's cleanup)", async () => {
    const pids = [sleeper("a").start(), sleeper("b").start()];
    const stopped = await stopRecorded(dir);
    expect(stopped.sort()).toEqual(pids.sort());
    for (const pid of pids) expect(isOurProcess(pid, [dir])).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".pid"))).toEqual([]);
  });
});
