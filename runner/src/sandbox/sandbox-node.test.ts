import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { sandboxNode } from "./bwrap-engine.ts";
import { readableByAll } from "./stage-tools.ts";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "offset-node-test-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

function fakeNode(parentMode: number): string {
  const home = fs.mkdtempSync(path.join(base, "home-"));
  const bin = path.join(home, "node24", "bin");
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, "node"), "#!/bin/sh\n", { mode: 0o755 });
  fs.chmodSync(home, parentMode);
  fs.chmodSync(base, 0o755);
  return path.join(bin, "node");
}

describe("the Node binary sandboxes run", () => {
  it("is used in place when every user can reach it", () => {
    const node = fakeNode(0o755);
    expect(readableByAll(node)).toBe(true);
    expect(sandboxNode(node, fs.mkdtempSync(path.join(base, "engine-")), true)).toEqual({
      node,
      nodeDir: path.dirname(path.dirname(node)),
    });
  });

  it("is linked into the engine's folder when it lives under a private folder", () => {
    const node = fakeNode(0o700);
    expect(readableByAll(node)).toBe(false);
    const folder = fs.mkdtempSync(path.join(base, "engine-"));
    const chosen = sandboxNode(node, folder, true);
    expect(chosen).toEqual({ node: "/run/offset-node/bin/node", nodeDir: path.join(folder, "node"), nodeMount: "/run/offset-node" });
    const staged = path.join(folder, "node", "bin", "node");
    expect(fs.readFileSync(staged, "utf8")).toBe("#!/bin/sh\n");
    expect(fs.statSync(staged).mode & 0o777).toBe(0o755);
  });

  it("is used in place when sandboxes run as the runner's own user", () => {
    const node = fakeNode(0o700);
    expect(sandboxNode(node, fs.mkdtempSync(path.join(base, "engine-")), false).node).toBe(node);
  });
});
