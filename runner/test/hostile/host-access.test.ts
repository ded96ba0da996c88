/** Snippets that try to read or change the host: each ends "ok" with the access denied, and leaves nothing behind. */
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

const runnerSource = path.resolve(import.meta.dirname, "../../src/server.ts");
let harness: Harness;

beforeAll(async () => {
  process.env.OFFSET_HOST_CANARY = "host-secret";
  harness = await startHarness();
});
afterAll(() => harness?.close());
afterEach(async () => {
  await harness.expectNormalRunWorks();
  expect(await harness.leftovers()).toEqual([]);
});

const tryRead = (file: string) => `
  import fs from "node:fs";
  try { console.log("READ " + fs.readFileSync(${JSON.stringify(file)}, "utf8").slice(0, 80)); }
  catch (error) { console.log("denied " + error.code); }
`;

describe("hostile snippets: the host's files and environment", () => {
  it("cannot read /etc/passwd", async () => {
    const outcome = await harness.run(tryRead("/etc/passwd"));
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toContain("denied ENOENT");
  });

  it("cannot read the runner's source", async () => {
    const outcome = await harness.run(tryRead(runnerSource));
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toContain("denied ENOENT");
  });

  it("sees none of the runner's environment", async () => {
    const outcome = await harness.run(`console.log(JSON.stringify(process.env));`);
    expect(outcome.reason).toBe("ok");
    const env = JSON.parse(outcome.stdout) as Record<string, string>;
    expect(env.OFFSET_HOST_CANARY).toBeUndefined();
    expect(Object.keys(env).sort()).toEqual([
      "HOME",
      "KAFKAJS_NO_PARTITIONER_WARNING",
      "LAB_BROKERS",
      "LAB_SESSION",
      "NODE_ENV",
      "PATH",
      "PWD",
      "TMPDIR",
    ]);
    expect(env.HOME).toBe("/home/learner");
  });

  it("cannot write outside its temporary folders", async () => {
    const outcome = await harness.run(`
      import fs from "node:fs";
      for (const file of ["/usr/evil", "/node_modules/evil", "/runtime/bootstrap.mjs", "/etc/hosts", "/evil", "/run/offset-bridge/evil", ${JSON.stringify(runnerSource)}]) {
        try { fs.writeFileSync(file, "x"); console.log("WROTE " + file); } catch (error) { console.log("denied " + file); }
      }
      fs.writeFileSync("/tmp/scratch", "x");
      console.log("tmp ok");
    `);
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).not.toContain("WROTE");
    expect(outcome.stdout.match(/denied/g)).toHaveLength(7);
    expect(outcome.stdout).toContain("tmp ok");
  });

  it("can start a child process, but only inside the same sandbox", async () => {
    const outcome = await harness.run(`
      import { spawnSync } from "node:child_process";
      console.log(spawnSync("id", { encoding: "utf8" }).stdout.trim());
      console.log("cat exit " + spawnSync("cat", ["/etc/passwd"]).status);
      console.log("ps " + spawnSync("ls", ["/proc"], { encoding: "utf8" }).stdout.split("\\n").filter((n) => /^\\d+$/.test(n)).length);
    `);
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toContain("uid=65534");
    expect(outcome.stdout).toContain("cat exit 1");
    // bwrap's init, the snippet, and the `ls` itself: no host process is visible.
    expect(Number(/ps (\d+)/.exec(outcome.stdout)?.[1])).toBeLessThanOrEqual(4);
  });
});
