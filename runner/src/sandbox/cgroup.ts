/**
 * Per-sandbox cgroup v1 groups (memory, pids, cpu). The kernel enforces the limits on every process the
 * snippet starts, which `ulimit`-style limits cannot: RLIMIT_AS breaks Node, and RLIMIT_NPROC counts per user,
 * not per run. Groups live below the runner's own group, so any limit an operator put on the runner still holds.
 */
import fs from "node:fs";
import path from "node:path";
import type { RunLimits } from "./types.ts";

const root = "/sys/fs/cgroup";
const controllers = ["memory", "pids", "cpu"] as const;
type Controller = (typeof controllers)[number];

/** The folder of the runner's own group for `controller` (cgroup v1 lists it in /proc/self/cgroup). */
function ownGroup(controller: Controller): string | undefined {
  try {
    for (const line of fs.readFileSync("/proc/self/cgroup", "utf8").split("\n")) {
      const [, names, group] = line.split(":");
      if (names?.split(",").includes(controller)) return path.join(root, controller, group ?? "/");
    }
  } catch {
    // Not Linux, or /proc is hidden.
  }
  return undefined;
}

/** A parent group per engine; each sandbox gets a child group of it. */
export class CgroupParent {
  private readonly dirs: Record<Controller, string>;
  private serial = 0;

  private constructor(dirs: Record<Controller, string>) {
    this.dirs = dirs;
  }

  /** Creates the parent groups, or returns undefined where cgroup v1 is absent or not writable. */
  static create(name: string): CgroupParent | undefined {
    const dirs = {} as Record<Controller, string>;
    try {
      for (const controller of controllers) {
        const own = ownGroup(controller);
        if (!own || !fs.existsSync(path.join(own, "cgroup.procs"))) return undefined;
        removeStale(own);
        dirs[controller] = path.join(own, name);
        fs.mkdirSync(dirs[controller], { recursive: true });
      }
      // A child group must be able to use one full core (see the note on Node's start-up threads).
      fs.writeFileSync(path.join(dirs.cpu, "cpu.cfs_period_us"), "100000");
      return new CgroupParent(dirs);
    } catch {
      for (const dir of Object.values(dirs)) tryRmdir(dir);
      return undefined;
    }
  }

  /** A fresh group for one sandbox with `limits` applied. */
  child(limits: RunLimits): RunCgroup {
    const name = `run-${++this.serial}`;
    const group = new RunCgroup(
      Object.fromEntries(controllers.map((c) => [c, path.join(this.dirs[c], name)])) as Record<Controller, string>,
    );
    group.apply(limits);
    return group;
  }

  /** Removes the parent groups once every child is gone. */
  remove(): void {
    for (const dir of Object.values(this.dirs)) tryRmdir(dir);
  }
}

export class RunCgroup {
  readonly dirs: Record<Controller, string>;

  constructor(dirs: Record<Controller, string>) {
    this.dirs = dirs;
  }

  apply(limits: RunLimits): void {
    for (const dir of Object.values(this.dirs)) fs.mkdirSync(dir, { recursive: true });
    const bytes = String(limits.memoryMb * 1024 * 1024);
    write(this.dirs.memory, "memory.limit_in_bytes", bytes);
    // memsw must not be below the plain limit; setting it keeps swap (where there is some) from extending it.
    write(this.dirs.memory, "memory.memsw.limit_in_bytes", bytes, true);
    write(this.dirs.pids, "pids.max", String(limits.maxProcesses));
    write(this.dirs.cpu, "cpu.cfs_period_us", "100000");
    write(this.dirs.cpu, "cpu.cfs_quota_us", "100000");
  }

  /** The files a process writes its pid to in order to join every group (before it forks anything). */
  procsFiles(): string[] {
    return Object.values(this.dirs).map((dir) => path.join(dir, "cgroup.procs"));
  }

  /** Processes still in the group. */
  pids(): number[] {
    try {
      return fs.readFileSync(path.join(this.dirs.pids, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
    } catch {
      return [];
    }
  }

  /** SIGKILLs every process in the group: the backstop if something escaped the sandbox's process tree. */
  killAll(): void {
    for (const pid of this.pids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  /** True when the kernel's OOM killer ended a process of this group. */
  oomKilled(): boolean {
    try {
      const match = /oom_kill (\d+)/.exec(fs.readFileSync(path.join(this.dirs.memory, "memory.oom_control"), "utf8"));
      if (match) return Number(match[1]) > 0;
      return Number(fs.readFileSync(path.join(this.dirs.memory, "memory.failcnt"), "utf8")) > 0;
    } catch {
      return false;
    }
  }

  /** Kills what is left and removes the groups; retries while the kernel is still reaping. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      this.killAll();
      if (Object.values(this.dirs).every((dir) => tryRmdir(dir))) return;
      await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 10));
    }
  }
}

function write(dir: string, file: string, value: string, optional = false): void {
  try {
    fs.writeFileSync(path.join(dir, file), value);
  } catch (error) {
    if (!optional) throw error;
  }
}

/** True when the folder is gone afterwards. */
function tryRmdir(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Drops empty groups left by an engine whose runner died (named offset-<pid>-…). */
function removeStale(own: string): void {
  let entries: string[];
  try {
    entries = fs.readdirSync(own).filter((name) => /^offset-\d+-/.test(name));
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = Number(name.split("-")[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const dir = path.join(own, name);
    for (const child of fs.readdirSync(dir, { withFileTypes: true })) if (child.isDirectory()) tryRmdir(path.join(dir, child.name));
    tryRmdir(dir);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
