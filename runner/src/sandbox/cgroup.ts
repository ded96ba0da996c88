/**
 * Per-sandbox cgroups (memory, pids, cpu), on cgroup v1 or on a delegated cgroup v2 subtree. The kernel enforces
 * the limits on every process the snippet starts, which `ulimit`-style limits cannot: RLIMIT_AS breaks Node, and
 * RLIMIT_NPROC counts per user, not per run. Groups live below the runner's own group, so any limit an operator
 * put on the runner still holds.
 *
 * - v1: a hierarchy per controller. /proc/self/cgroup names the runner's group in each, and the engine's group
 *   and every run's group are a folder in all three.
 * - v2: one hierarchy (`0::<path>`). A group that holds processes cannot enable controllers for its children (the
 *   "no internal processes" rule), so the runner first moves out of its own group into a leaf, then hands the
 *   controllers down: <own>/offset-runner holds the runner, <own>/<engine>/run-<n> each sandbox.
 */
import fs from "node:fs";
import path from "node:path";
import type { RunLimits } from "./types.ts";

export type CgroupVersion = 1 | 2;
export const CONTROLLERS = ["memory", "pids", "cpu"] as const;
export type Controller = (typeof CONTROLLERS)[number];

export interface CgroupOptions {
  /** Where the cgroup filesystems are mounted. */
  root?: string;
  /** The file that names the runner's own groups. */
  selfCgroup?: string;
}

/** A group's folder per controller: three folders in v1; in v2 every available controller maps to the one folder. */
type Dirs = Partial<Record<Controller, string>>;

/** The v2 leaf the runner moves into; its name also tells a later engine of the same runner where its own group is. */
const RUNNER_LEAF = "offset-runner";
/** One CPU core as a CFS quota per period, in µs. */
const ONE_CORE = "100000";

/** A parent group per engine; each sandbox gets a child group of it. */
export class CgroupParent {
  readonly version: CgroupVersion;
  /** The controllers that limit each run: all three in v1, in v2 those the runner's own group was given. */
  readonly controllers: readonly Controller[];
  private readonly dirs: Dirs;
  private serial = 0;

  private constructor(version: CgroupVersion, dirs: Dirs) {
    this.version = version;
    this.dirs = dirs;
    this.controllers = CONTROLLERS.filter((c) => dirs[c] !== undefined);
  }

  /** Creates the engine's group, or returns undefined where no cgroup hierarchy is usable and writable. */
  static create(name: string, options: CgroupOptions = {}): CgroupParent | undefined {
    const own = findOwnGroups(options.root ?? "/sys/fs/cgroup", options.selfCgroup ?? "/proc/self/cgroup");
    if (!own) return undefined;
    const dirs = own.version === 1 ? createV1(own.dirs, name) : createV2(own.dir, name);
    return dirs ? new CgroupParent(own.version, dirs) : undefined;
  }

  /** A fresh group for one sandbox with `limits` applied. */
  child(limits: RunLimits): RunCgroup {
    const name = `run-${++this.serial}`;
    const dirs = Object.fromEntries(Object.entries(this.dirs).map(([c, dir]) => [c, path.join(dir, name)])) as Dirs;
    const group = new RunCgroup(this.version, dirs);
    group.apply(limits);
    return group;
  }

  /** Removes the engine's group once every child is gone. */
  remove(): void {
    for (const dir of folders(this.dirs)) tryRmdir(dir);
  }
}

export class RunCgroup {
  readonly version: CgroupVersion;
  private readonly dirs: Dirs;

  constructor(version: CgroupVersion, dirs: Dirs) {
    this.version = version;
    this.dirs = dirs;
  }

  apply(limits: RunLimits): void {
    for (const dir of folders(this.dirs)) fs.mkdirSync(dir, { recursive: true });
    const files = limitFiles(this.version, limits);
    for (const controller of CONTROLLERS) {
      const dir = this.dirs[controller];
      if (!dir) continue;
      for (const [file, value, optional] of files[controller]) {
        if (optional) writeIfPresent(dir, file, value);
        else fs.writeFileSync(path.join(dir, file), value);
      }
    }
  }

  /** The files a process writes its pid to in order to join every group (before it forks anything). */
  procsFiles(): string[] {
    return folders(this.dirs).map((dir) => path.join(dir, "cgroup.procs"));
  }

  /** Processes still in the group (each folder lists the same ones: processes join all of them). */
  pids(): number[] {
    const [dir] = folders(this.dirs);
    return dir ? readPids(dir) : [];
  }

  /** SIGKILLs every process in the group: the backstop if something escaped the sandbox's process tree. */
  killAll(): void {
    // v2's cgroup.kill (Linux 5.14+) also catches a process that forks while the pids are being read.
    const [dir] = folders(this.dirs);
    if (this.version === 2 && dir && writeIfPresent(dir, "cgroup.kill", "1")) return;
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
    const dir = this.dirs.memory;
    if (!dir) return false;
    try {
      if (this.version === 2) return count(fs.readFileSync(path.join(dir, "memory.events"), "utf8"), "oom_kill") > 0;
      const oomKills = count(fs.readFileSync(path.join(dir, "memory.oom_control"), "utf8"), "oom_kill");
      // Kernels before 4.13 do not count OOM kills; there a hit limit is the best sign.
      return Number.isNaN(oomKills) ? Number(fs.readFileSync(path.join(dir, "memory.failcnt"), "utf8")) > 0 : oomKills > 0;
    } catch {
      return false;
    }
  }

  /** Kills what is left and removes the groups; retries while the kernel is still reaping. */
  async remove(): Promise<void> {
    for (let attempt = 0; attempt < 50; attempt++) {
      this.killAll();
      if (folders(this.dirs).every((dir) => tryRmdir(dir))) return;
      await new Promise((resolve) => setTimeout(resolve, 20 + attempt * 10));
    }
  }
}

/** The files that set `limits`, per controller: [file, value, written only where the kernel has the file]. */
function limitFiles(version: CgroupVersion, limits: RunLimits): Record<Controller, [string, string, boolean?][]> {
  const bytes = String(limits.memoryMb * 1024 * 1024);
  const pids: [string, string][] = [["pids.max", String(limits.maxProcesses)]];
  if (version === 1) {
    return {
      // memsw must not be below the plain limit; setting it keeps swap (where there is some) from extending it.
      memory: [
        ["memory.limit_in_bytes", bytes],
        ["memory.memsw.limit_in_bytes", bytes, true],
      ],
      pids,
      cpu: [
        ["cpu.cfs_period_us", ONE_CORE],
        ["cpu.cfs_quota_us", ONE_CORE],
      ],
    };
  }
  return {
    // v2 limits swap on its own; without swap.max 0 a run could spill past memory.max into swap instead of ending.
    memory: [
      ["memory.max", bytes],
      ["memory.swap.max", "0", true],
    ],
    pids,
    cpu: [["cpu.max", `${ONE_CORE} ${ONE_CORE}`]],
  };
}

type OwnGroups = { version: 1; dirs: Record<Controller, string> } | { version: 2; dir: string };

/**
 * The runner's own groups. v1 wins where /proc/self/cgroup names a v1 group for every controller: a hybrid host
 * also has a `0::` line, for a v2 hierarchy without controllers. v2 needs `root` to be the cgroup2 mount itself.
 */
function findOwnGroups(root: string, selfCgroup: string): OwnGroups | undefined {
  let text: string;
  try {
    text = fs.readFileSync(selfCgroup, "utf8");
  } catch {
    return undefined; // Not Linux, or /proc is hidden.
  }
  const v1 = new Map<string, string>();
  let unified: string | undefined;
  for (const line of text.split("\n")) {
    // hierarchy-id:controllers:path; the path itself may contain colons.
    const match = /^(\d+):([^:]*):(.*)$/.exec(line);
    if (!match) continue;
    const [, id, names, group] = match as unknown as [string, string, string, string];
    if (id === "0" && names === "") unified = group;
    else for (const name of names.split(",")) v1.set(name, group);
  }
  if (CONTROLLERS.every((c) => v1.has(c))) {
    return {
      version: 1,
      dirs: Object.fromEntries(CONTROLLERS.map((c) => [c, path.join(root, c, v1.get(c)!)])) as Record<Controller, string>,
    };
  }
  if (unified === undefined || !fs.existsSync(path.join(root, "cgroup.controllers"))) return undefined;
  const dir = path.resolve(path.join(root, unified));
  // An earlier engine of this runner already moved it into the leaf: its own group is the one above.
  return { version: 2, dir: path.basename(dir) === RUNNER_LEAF ? path.dirname(dir) : dir };
}

/** The engine's group in each v1 hierarchy, or undefined where they are not writable. */
function createV1(own: Record<Controller, string>, name: string): Dirs | undefined {
  const dirs: Dirs = {};
  try {
    for (const controller of CONTROLLERS) {
      if (!fs.existsSync(path.join(own[controller], "cgroup.procs"))) return undefined;
      removeStale(own[controller]);
      dirs[controller] = path.join(own[controller], name);
      fs.mkdirSync(dirs[controller], { recursive: true });
    }
    // Each run gets one full core (quota = period) since Node starts several threads at once (V8's platform
    // workers and GC helpers), and a fraction of a core would throttle every start-up. Writing the period, at its
    // default, changes no scheduling here: it proves the cpu files are writable, so a read-only cpu hierarchy
    // means the fallback limits from the start instead of every run failing in child().
    fs.writeFileSync(path.join(dirs.cpu!, "cpu.cfs_period_us"), ONE_CORE);
    return dirs;
  } catch {
    for (const dir of folders(dirs)) tryRmdir(dir);
    return undefined;
  }
}

/** The engine's group in the v2 hierarchy with the controllers handed down, or undefined where that is refused. */
function createV2(own: string, name: string): Dirs | undefined {
  const dir = path.join(own, name);
  try {
    const controllers = availableControllers(own);
    if (controllers.length === 0) return undefined;
    removeStale(own);
    vacate(own);
    enableControllers(own, controllers);
    fs.mkdirSync(dir, { recursive: true });
    // The runs are the engine group's children, so it hands the controllers on a second time.
    enableControllers(dir, controllers);
    return Object.fromEntries(controllers.map((c) => [c, dir]));
  } catch {
    // The runner stays in its leaf if it moved there: the leaf is inside its own group, under the same limits.
    tryRmdir(dir);
    return undefined;
  }
}

/** The controllers of ours that the parent of `dir` lets it use. */
function availableControllers(dir: string): Controller[] {
  const listed = fs.readFileSync(path.join(dir, "cgroup.controllers"), "utf8").split(/\s+/);
  return CONTROLLERS.filter((c) => listed.includes(c));
}

function enableControllers(dir: string, controllers: readonly Controller[]): void {
  fs.writeFileSync(path.join(dir, "cgroup.subtree_control"), controllers.map((c) => `+${c}`).join(" "));
}

/**
 * Moves every process out of `own` into the runner's leaf, the runner first. Any process left behind (another
 * user's, say) makes enabling the controllers fail, and the engine falls back. The root of the hierarchy is exempt
 * from the rule (it has no cgroup.type) and holds kernel threads that cannot move, so it is left alone.
 */
function vacate(own: string): void {
  if (!fs.existsSync(path.join(own, "cgroup.type"))) return;
  const pids = readPids(own).sort((a, b) => Number(b === process.pid) - Number(a === process.pid));
  if (pids.length === 0) return;
  const leaf = path.join(own, RUNNER_LEAF);
  fs.mkdirSync(leaf, { recursive: true });
  for (const pid of pids) {
    try {
      // The kernel takes one pid per write.
      fs.writeFileSync(path.join(leaf, "cgroup.procs"), String(pid));
    } catch {
      // Exited meanwhile, or not ours to move.
    }
  }
}

/** Writes `file` if the kernel offers it; false where it does not, or refused the value. */
function writeIfPresent(dir: string, file: string, value: string): boolean {
  const target = path.join(dir, file);
  if (!fs.existsSync(target)) return false;
  try {
    fs.writeFileSync(target, value);
    return true;
  } catch {
    return false;
  }
}

function readPids(dir: string): number[] {
  try {
    return fs.readFileSync(path.join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The number after `key` in a flat-keyed file such as memory.events; NaN where the key is missing. */
function count(text: string, key: string): number {
  const match = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

/** Each distinct folder once (in v2 every controller shares one). */
function folders(dirs: Dirs): string[] {
  return [...new Set(Object.values(dirs).filter((dir) => dir !== undefined))];
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
