import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CgroupParent } from "./cgroup.ts";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "offset-cgroup-test-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const real = { mkdirSync: fs.mkdirSync, writeFileSync: fs.writeFileSync, rmdirSync: fs.rmdirSync };
const limits = { timeoutMs: 0, outputBytes: 0, memoryMb: 256, maxProcesses: 64 };
const ALL = ["memory", "pids", "cpu"];

interface Features {
  /** cgroup.kill (v2, Linux 5.14+). */
  kill?: boolean;
  /** Swap accounting: memory.swap.max (v2), memory.memsw.* (v1). */
  swap?: boolean;
}

/**
 * A cgroupfs in a temp folder that behaves like the kernel where the code relies on it: mkdir fills a group with
 * its interface files, only those can be written, a pid written to cgroup.procs moves there, subtree_control
 * obeys the "no internal processes" rule, and rmdir refuses a group with processes or children.
 */
class FakeCgroupfs {
  readonly root = fs.mkdtempSync(path.join(base, "fs-"));
  readonly selfCgroup = path.join(this.root, "..", `${path.basename(this.root)}-self-cgroup`);
  /** Makes every change fail as on a read-only mount. */
  readOnly = false;
  /** Groups that were killed through cgroup.kill. */
  readonly killed: string[] = [];
  /** Pids the kernel refuses to move (another user's process, say). */
  readonly pinned = new Set<number>();
  readonly version: 1 | 2;
  private readonly features: Required<Features>;

  constructor(version: 1 | 2, features: Features = {}) {
    this.version = version;
    this.features = { kill: true, swap: true, ...features };
    vi.spyOn(fs, "mkdirSync").mockImplementation(((dir: string, options?: fs.MakeDirectoryOptions) =>
      this.owns(dir) ? this.mkdir(dir, options) : real.mkdirSync(dir, options)) as typeof fs.mkdirSync);
    vi.spyOn(fs, "writeFileSync").mockImplementation(((file: string, data: string) =>
      this.owns(file) ? this.write(file, data) : real.writeFileSync(file, data)) as typeof fs.writeFileSync);
    vi.spyOn(fs, "rmdirSync").mockImplementation(((dir: string) =>
      this.owns(dir) ? this.rmdir(dir) : real.rmdirSync(dir)) as typeof fs.rmdirSync);
  }

  /** A v2 host whose runner lives in `group` and was given `controllers` there. */
  static v2(options: Features & { group?: string; controllers?: string[]; procs?: number[] } = {}): FakeCgroupfs & { own: string } {
    const { group = "/system.slice/offset.service", controllers = ALL, procs = [process.pid] } = options;
    const host = new FakeCgroupfs(2, options);
    real.writeFileSync(path.join(host.root, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids rdma misc\n");
    real.writeFileSync(path.join(host.root, "cgroup.subtree_control"), "");
    real.writeFileSync(path.join(host.root, "cgroup.procs"), "1\n");
    const own = path.resolve(host.root, `.${group}`);
    if (own !== host.root) {
      host.populate(own, controllers);
      real.writeFileSync(path.join(own, "cgroup.procs"), procs.map((pid) => `${pid}\n`).join(""));
    }
    real.writeFileSync(host.selfCgroup, `0::${group}\n`);
    return Object.assign(host, { own });
  }

  /** A v1 host shaped like a systemd hybrid one: a hierarchy per controller, plus a v2 one without controllers. */
  static v1(options: Features & { group?: string; hierarchies?: string[] } = {}): FakeCgroupfs & { own: (c: string) => string } {
    const { group = "/runner.slice", hierarchies = ALL } = options;
    const host = new FakeCgroupfs(1, options);
    for (const hierarchy of hierarchies) host.populate(path.join(host.root, hierarchy, group));
    real.mkdirSync(path.join(host.root, "unified"));
    real.writeFileSync(path.join(host.root, "unified", "cgroup.controllers"), "");
    const lines = hierarchies.map((hierarchy, i) => `${i + 1}:${hierarchy}:${group}`);
    real.writeFileSync(host.selfCgroup, [...lines, `${lines.length + 1}:name=systemd:/`, "0::/", ""].join("\n"));
    return Object.assign(host, { own: (c: string) => path.join(host.root, c, group) });
  }

  read(dir: string, file: string): string {
    return fs.readFileSync(path.join(dir, file), "utf8");
  }

  procs(dir: string): number[] {
    return this.read(dir, "cgroup.procs").split("\n").filter(Boolean).map(Number);
  }

  private owns(file: string): boolean {
    return file.startsWith(`${this.root}/`);
  }

  private mkdir(dir: string, options?: fs.MakeDirectoryOptions): string | undefined {
    if (this.readOnly) throw errno("EROFS");
    if (fs.existsSync(dir)) {
      if (options?.recursive) return undefined;
      throw errno("EEXIST");
    }
    if (!fs.existsSync(path.dirname(dir))) throw errno("ENOENT");
    this.populate(dir);
    return dir;
  }

  /** Creates a group with the interface files the kernel would give it. */
  private populate(dir: string, controllers = this.version === 2 ? this.words(path.dirname(dir), "cgroup.subtree_control") : []): void {
    real.mkdirSync(dir, { recursive: true });
    const files: Record<string, string> = { "cgroup.procs": "" };
    if (this.version === 2) {
      Object.assign(files, { "cgroup.type": "domain\n", "cgroup.controllers": controllers.join(" "), "cgroup.subtree_control": "" });
      if (this.features.kill) files["cgroup.kill"] = "";
      if (controllers.includes("memory")) {
        files["memory.max"] = "max\n";
        files["memory.events"] = "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n";
        if (this.features.swap) files["memory.swap.max"] = "max\n";
      }
      if (controllers.includes("pids")) files["pids.max"] = "max\n";
      if (controllers.includes("cpu")) files["cpu.max"] = "max 100000\n";
    } else {
      const hierarchy = path.relative(this.root, dir).split(path.sep)[0];
      if (hierarchy === "memory") {
        Object.assign(files, { "memory.limit_in_bytes": "", "memory.failcnt": "0\n" });
        files["memory.oom_control"] = "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n";
        if (this.features.swap) files["memory.memsw.limit_in_bytes"] = "";
      }
      if (hierarchy === "pids") files["pids.max"] = "max\n";
      if (hierarchy === "cpu") Object.assign(files, { "cpu.cfs_period_us": "100000\n", "cpu.cfs_quota_us": "-1\n" });
    }
    for (const [name, text] of Object.entries(files)) real.writeFileSync(path.join(dir, name), text);
  }

  private write(file: string, data: string): void {
    if (this.readOnly) throw errno("EROFS");
    // Interface files cannot be created, only written.
    if (!fs.existsSync(file)) throw errno("EACCES");
    const dir = path.dirname(file);
    switch (path.basename(file)) {
      case "cgroup.procs":
        return this.move(Number(data), dir);
      case "cgroup.subtree_control":
        return this.enable(dir, data);
      case "cgroup.kill":
        this.killed.push(dir);
        for (const pid of this.procs(dir)) process.kill(pid, "SIGKILL");
        return;
      default:
        real.writeFileSync(file, data);
    }
  }

  private move(pid: number, dir: string): void {
    if (this.pinned.has(pid)) throw errno("EACCES");
    if (this.version === 2 && this.words(dir, "cgroup.subtree_control").length && fs.existsSync(path.join(dir, "cgroup.type")))
      throw errno("EBUSY");
    const hierarchy = this.version === 2 ? this.root : path.join(this.root, path.relative(this.root, dir).split(path.sep)[0]!);
    for (const procs of fs.globSync("**/cgroup.procs", { cwd: hierarchy })) {
      const group = path.join(hierarchy, path.dirname(procs));
      real.writeFileSync(path.join(group, "cgroup.procs"), this.lines(this.procs(group).filter((p) => p !== pid)));
    }
    real.writeFileSync(path.join(dir, "cgroup.procs"), this.lines([...this.procs(dir), pid]));
  }

  private enable(dir: string, data: string): void {
    if (this.procs(dir).length && fs.existsSync(path.join(dir, "cgroup.type"))) throw errno("EBUSY");
    const enabled = new Set(this.words(dir, "cgroup.subtree_control"));
    for (const token of data.split(/\s+/).filter(Boolean)) {
      if (!this.words(dir, "cgroup.controllers").includes(token.slice(1))) throw errno("ENOENT");
      if (token.startsWith("+")) enabled.add(token.slice(1));
      else enabled.delete(token.slice(1));
    }
    real.writeFileSync(path.join(dir, "cgroup.subtree_control"), [...enabled].join(" "));
  }

  private rmdir(dir: string): void {
    if (this.readOnly) throw errno("EROFS");
    if (!fs.existsSync(dir)) throw errno("ENOENT");
    const children = fs.readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory());
    if (children.length || this.procs(dir).some(isAlive)) throw errno("EBUSY");
    fs.rmSync(dir, { recursive: true });
  }

  private words(dir: string, file: string): string[] {
    return this.read(dir, file).split(/\s+/).filter(Boolean);
  }

  private lines(pids: number[]): string {
    return pids.map((pid) => `${pid}\n`).join("");
  }
}

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code} (fake cgroupfs)`), { code });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleepers: ChildProcess[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const sleeper of sleepers.splice(0)) if (sleeper.exitCode === null && sleeper.signalCode === null) sleeper.kill("SIGKILL");
});

/** A real process for a group to hold; resolves with the signal that ended it. */
function sleeper(): { pid: number; ended: Promise<NodeJS.Signals | null> } {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  sleepers.push(child);
  return { pid: child.pid!, ended: new Promise((resolve) => child.once("exit", (_code, signal) => resolve(signal))) };
}

const create = (host: FakeCgroupfs, name = "offset-1-engine") =>
  CgroupParent.create(name, { root: host.root, selfCgroup: host.selfCgroup });

describe("cgroup detection", () => {
  it("uses v1 where every controller has a v1 hierarchy, even beside a v2 one without controllers", () => {
    const parent = create(FakeCgroupfs.v1());
    expect(parent?.version).toBe(1);
    expect(parent?.controllers).toEqual(ALL);
  });

  it("uses v2 where /proc/self/cgroup has only the unified line and the root is a cgroup2 mount", () => {
    const parent = create(FakeCgroupfs.v2());
    expect(parent?.version).toBe(2);
    expect(parent?.controllers).toEqual(ALL);
  });

  it("finds nothing without /proc/self/cgroup, with an incomplete v1 set, or where the root is not cgroup2", () => {
    const missing = FakeCgroupfs.v2();
    fs.rmSync(missing.selfCgroup);
    expect(create(missing)).toBeUndefined();
    // A hybrid host whose v1 hierarchies lack cpu: the unified line points at a root that is not cgroup2.
    expect(create(FakeCgroupfs.v1({ hierarchies: ["memory", "pids"] }))).toBeUndefined();
  });

  it("returns undefined where the groups are not writable (a read-only mount)", () => {
    const v2 = FakeCgroupfs.v2();
    v2.readOnly = true;
    expect(create(v2)).toBeUndefined();
    const v1 = FakeCgroupfs.v1();
    v1.readOnly = true;
    expect(create(v1)).toBeUndefined();
  });
});

describe("cgroup v2", () => {
  it("moves the runner (first) and the other processes of its group into a leaf, then enables the controllers", () => {
    const host = FakeCgroupfs.v2({ procs: [4242, process.pid] });
    create(host);
    const leaf = path.join(host.own, "offset-runner");
    expect(host.procs(leaf)).toEqual([process.pid, 4242]);
    expect(host.procs(host.own)).toEqual([]);
    expect(host.read(host.own, "cgroup.subtree_control")).toBe("memory pids cpu");
    expect(host.read(path.join(host.own, "offset-1-engine"), "cgroup.subtree_control")).toBe("memory pids cpu");
  });

  it("finds its own group above the leaf once an earlier engine moved the runner there", () => {
    const host = FakeCgroupfs.v2();
    create(host, "offset-1-first");
    real.writeFileSync(host.selfCgroup, "0::/system.slice/offset.service/offset-runner\n");
    const second = create(host, "offset-1-second");
    expect(second?.version).toBe(2);
    expect(fs.existsSync(path.join(host.own, "offset-1-second"))).toBe(true);
    expect(fs.existsSync(path.join(host.own, "offset-runner", "offset-runner"))).toBe(false);
  });

  it("leaves the processes of the hierarchy's root where they are (the root is exempt from the rule)", () => {
    const host = FakeCgroupfs.v2({ group: "/" });
    expect(create(host)?.version).toBe(2);
    expect(fs.existsSync(path.join(host.root, "offset-runner"))).toBe(false);
    expect(host.procs(host.root)).toEqual([1]);
  });

  it("falls back when a process it cannot move keeps the group from handing controllers down", () => {
    const host = FakeCgroupfs.v2({ procs: [process.pid, 4242] });
    host.pinned.add(4242);
    expect(create(host)).toBeUndefined();
    expect(fs.existsSync(path.join(host.own, "offset-1-engine"))).toBe(false);
  });

  it("writes memory.max, memory.swap.max, pids.max and cpu.max for each run", () => {
    const host = FakeCgroupfs.v2();
    const run = create(host)!.child(limits);
    const dir = path.join(host.own, "offset-1-engine", "run-1");
    expect(host.read(dir, "memory.max")).toBe(String(256 * 1024 * 1024));
    expect(host.read(dir, "memory.swap.max")).toBe("0");
    expect(host.read(dir, "pids.max")).toBe("64");
    expect(host.read(dir, "cpu.max")).toBe("100000 100000");
    expect(run.procsFiles()).toEqual([path.join(dir, "cgroup.procs")]);
  });

  it("skips the controllers its group was not given, and memory.swap.max where there is no swap accounting", () => {
    const host = FakeCgroupfs.v2({ controllers: ["memory", "pids"], swap: false });
    const parent = create(host)!;
    expect(parent.controllers).toEqual(["memory", "pids"]);
    expect(host.read(host.own, "cgroup.subtree_control")).toBe("memory pids");
    parent.child(limits);
    const dir = path.join(host.own, "offset-1-engine", "run-1");
    expect(fs.existsSync(path.join(dir, "cpu.max"))).toBe(false);
    expect(fs.existsSync(path.join(dir, "memory.swap.max"))).toBe(false);
    expect(host.read(dir, "pids.max")).toBe("64");
  });

  it("finds nothing to do where the group was given none of memory, pids and cpu", () => {
    expect(create(FakeCgroupfs.v2({ controllers: ["io"] }))).toBeUndefined();
  });

  it("kills through cgroup.kill where the kernel has it", async () => {
    const host = FakeCgroupfs.v2();
    const run = create(host)!.child(limits);
    const { pid, ended } = sleeper();
    fs.writeFileSync(run.procsFiles()[0]!, String(pid));
    expect(run.pids()).toEqual([pid]);
    run.killAll();
    expect(host.killed).toEqual([path.join(host.own, "offset-1-engine", "run-1")]);
    expect(await ended).toBe("SIGKILL");
  });

  it("signals every process in cgroup.procs where cgroup.kill is missing", async () => {
    const host = FakeCgroupfs.v2({ kill: false });
    const run = create(host)!.child(limits);
    const { pid, ended } = sleeper();
    fs.writeFileSync(run.procsFiles()[0]!, String(pid));
    run.killAll();
    expect(host.killed).toEqual([]);
    expect(await ended).toBe("SIGKILL");
  });

  it("removes a run's group once its processes are gone, and the engine's group after its runs", async () => {
    const host = FakeCgroupfs.v2({ kill: false });
    const parent = create(host)!;
    const run = parent.child(limits);
    const { pid, ended } = sleeper();
    fs.writeFileSync(run.procsFiles()[0]!, String(pid));
    const engine = path.join(host.own, "offset-1-engine");
    parent.remove();
    expect(fs.existsSync(engine)).toBe(true);
    await run.remove();
    expect(await ended).toBe("SIGKILL");
    expect(fs.existsSync(path.join(engine, "run-1"))).toBe(false);
    parent.remove();
    expect(fs.existsSync(engine)).toBe(false);
    expect(fs.existsSync(path.join(host.own, "offset-runner"))).toBe(true);
  });

  it("reports a memory kill from the oom_kill count in memory.events", () => {
    const host = FakeCgroupfs.v2();
    const run = create(host)!.child(limits);
    expect(run.oomKilled()).toBe(false);
    const events = path.join(host.own, "offset-1-engine", "run-1", "memory.events");
    fs.writeFileSync(events, "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\noom_group_kill 0\n");
    expect(run.oomKilled()).toBe(true);
  });

  it("never reports a memory kill without the memory controller", () => {
    const run = create(FakeCgroupfs.v2({ controllers: ["pids", "cpu"] }))!.child(limits);
    expect(run.oomKilled()).toBe(false);
  });

  it("drops empty groups a dead runner left behind, and keeps this runner's", () => {
    const host = FakeCgroupfs.v2();
    fs.mkdirSync(path.join(host.own, "offset-999999999-dead"));
    fs.mkdirSync(path.join(host.own, "offset-999999999-dead", "run-3"));
    fs.mkdirSync(path.join(host.own, `offset-${process.pid}-mine`));
    create(host);
    expect(fs.existsSync(path.join(host.own, "offset-999999999-dead"))).toBe(false);
    expect(fs.existsSync(path.join(host.own, `offset-${process.pid}-mine`))).toBe(true);
  });
});

describe("cgroup v1", () => {
  it("creates the engine's group in each hierarchy and proves the cpu files writable", () => {
    const host = FakeCgroupfs.v1();
    create(host);
    for (const controller of ALL) expect(fs.existsSync(path.join(host.own(controller), "offset-1-engine"))).toBe(true);
    expect(host.read(path.join(host.own("cpu"), "offset-1-engine"), "cpu.cfs_period_us")).toBe("100000");
  });

  it("writes the v1 limit files for each run and joins all three groups", () => {
    const host = FakeCgroupfs.v1();
    const run = create(host)!.child(limits);
    const dir = (controller: string) => path.join(host.own(controller), "offset-1-engine", "run-1");
    const bytes = String(256 * 1024 * 1024);
    expect(host.read(dir("memory"), "memory.limit_in_bytes")).toBe(bytes);
    expect(host.read(dir("memory"), "memory.memsw.limit_in_bytes")).toBe(bytes);
    expect(host.read(dir("pids"), "pids.max")).toBe("64");
    expect(host.read(dir("cpu"), "cpu.cfs_period_us")).toBe("100000");
    expect(host.read(dir("cpu"), "cpu.cfs_quota_us")).toBe("100000");
    expect(run.procsFiles()).toEqual(ALL.map((controller) => path.join(dir(controller), "cgroup.procs")));
  });

  it("does without memsw where there is no swap accounting", () => {
    const host = FakeCgroupfs.v1({ swap: false });
    create(host)!.child(limits);
    expect(fs.existsSync(path.join(host.own("memory"), "offset-1-engine", "run-1", "memory.memsw.limit_in_bytes"))).toBe(false);
  });

  it("reports a memory kill from memory.oom_control, or from failcnt on kernels that do not count kills", () => {
    const host = FakeCgroupfs.v1();
    const run = create(host)!.child(limits);
    const dir = path.join(host.own("memory"), "offset-1-engine", "run-1");
    expect(run.oomKilled()).toBe(false);
    fs.writeFileSync(path.join(dir, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
    expect(run.oomKilled()).toBe(true);
    fs.writeFileSync(path.join(dir, "memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
    fs.writeFileSync(path.join(dir, "memory.failcnt"), "3\n");
    expect(run.oomKilled()).toBe(true);
  });

  it("signals the processes in the group and removes all three groups", async () => {
    const host = FakeCgroupfs.v1();
    const parent = create(host)!;
    const run = parent.child(limits);
    const { pid, ended } = sleeper();
    for (const file of run.procsFiles()) fs.writeFileSync(file, String(pid));
    await run.remove();
    expect(await ended).toBe("SIGKILL");
    parent.remove();
    for (const controller of ALL) expect(fs.existsSync(path.join(host.own(controller), "offset-1-engine"))).toBe(false);
  });
});
