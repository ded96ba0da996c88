/**
 * One process of a companion service: spawned detached with its output appended to a log file, remembered in a
 * pid file beside a list of the words on its command line, and stopped by that pid only. The guardian and the
 * next start's cleanup read the same two files, so nothing a service starts outlives the course.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isOurProcess, livePidOf, terminateProcess } from "../cluster/local/pid-files.ts";

export interface ProcessSpec {
  /** Unique within its service: "zookeeper", "broker-1". */
  id: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Words on its command line that prove a pid is this process (a config file's path is a good one). */
  needles: string[];
  /** The signal that stops it cleanly (SIGTERM unless the program needs another). */
  stopSignal?: NodeJS.Signals;
  /** How long a clean stop may take before SIGKILL. */
  graceMs?: number;
  /** Runs as this user (root only): programs such as PostgreSQL refuse to run as root. */
  uid?: number;
  gid?: number;
}

/** What the pid-file folder holds for each process: its pid and how to recognise and stop it. */
interface Record_ {
  needles: string[];
  stopSignal: NodeJS.Signals;
  graceMs: number;
}

export class ManagedProcess {
  readonly spec: ProcessSpec;
  readonly logFile: string;
  private readonly pidFile: string;
  private readonly recordFile: string;

  /** `dir` is the service's run folder: pid files live there, logs in its logs/ folder. */
  constructor(dir: string, spec: ProcessSpec) {
    this.spec = spec;
    this.pidFile = path.join(dir, `${spec.id}.pid`);
    this.recordFile = path.join(dir, `${spec.id}.proc.json`);
    this.logFile = path.join(dir, "logs", `${spec.id}.log`);
  }

  /** The live pid, or undefined. */
  get pid(): number | undefined {
    return livePidOf(this.pidFile, this.spec.needles);
  }

  get alive(): boolean {
    return this.pid !== undefined;
  }

  /** Size of the log now, so a readiness check can read only what this start wrote. */
  logSize(): number {
    return fs.existsSync(this.logFile) ? fs.statSync(this.logFile).size : 0;
  }

  /** The log from byte `offset` on (the whole log when omitted). */
  logSince(offset = 0): string {
    try {
      const fd = fs.openSync(this.logFile, "r");
      try {
        const size = fs.fstatSync(fd).size;
        const buffer = Buffer.alloc(Math.max(0, size - offset));
        fs.readSync(fd, buffer, 0, buffer.length, offset);
        return buffer.toString("utf8");
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return "";
    }
  }

  /** Starts the process unless it runs already; returns its pid. */
  start(): number {
    const running = this.pid;
    if (running !== undefined) return running;
    fs.mkdirSync(path.dirname(this.logFile), { recursive: true });
    const log = fs.openSync(this.logFile, "a");
    const child = spawn(this.spec.command, this.spec.args, {
      // Detached: a Ctrl+C in the terminal reaches the runner, which stops services in order.
      detached: true,
      stdio: ["ignore", log, log],
      cwd: this.spec.cwd,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C.UTF-8", ...this.spec.env },
      ...(this.spec.uid !== undefined ? { uid: this.spec.uid, gid: this.spec.gid ?? this.spec.uid } : {}),
    });
    fs.closeSync(log);
    child.unref();
    child.once("error", () => {}); // Reported by the readiness wait (the pid never comes alive).
    if (child.pid === undefined) throw new Error(`${this.spec.command} could not be started`);
    this.remember(child.pid);
    return child.pid;
  }

  /** Records a process the service did not spawn itself (a daemon its program forked off), to stop it later. */
  adopt(pid: number): void {
    this.remember(pid);
  }

  /** Stops it (clean signal, then SIGKILL after the grace time) and forgets it. */
  async stop(): Promise<void> {
    const pid = this.pid;
    fs.rmSync(this.pidFile, { force: true });
    fs.rmSync(this.recordFile, { force: true });
    if (pid !== undefined) await terminateProcess(pid, this.spec.needles, this.spec.graceMs ?? 20_000, this.spec.stopSignal);
  }

  private remember(pid: number): void {
    const record: Record_ = {
      needles: this.spec.needles,
      stopSignal: this.spec.stopSignal ?? "SIGTERM",
      graceMs: this.spec.graceMs ?? 20_000,
    };
    fs.writeFileSync(this.recordFile, JSON.stringify(record));
    fs.writeFileSync(this.pidFile, String(pid));
  }
}

/**
 * Stops every process recorded under `dir` (a service's run folder), whoever started it: the guardian after its
 * owner died, and the next start's cleanup. Returns the pids it stopped.
 */
export async function stopRecorded(dir: string): Promise<number[]> {
  if (!fs.existsSync(dir)) return [];
  const stopped: number[] = [];
  await Promise.all(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".proc.json"))
      .map(async (file) => {
        const id = file.slice(0, -".proc.json".length);
        const pidFile = path.join(dir, `${id}.pid`);
        try {
          const record = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record_;
          const pid = livePidOf(pidFile, record.needles);
          if (pid !== undefined) {
            await terminateProcess(pid, record.needles, record.graceMs, record.stopSignal);
            stopped.push(pid);
          }
        } finally {
          fs.rmSync(pidFile, { force: true });
          fs.rmSync(path.join(dir, file), { force: true });
        }
      }),
  );
  return stopped;
}

/** Pids recorded under `dir` that are still alive. */
export function recordedPids(dir: string): number[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".proc.json"))
    .flatMap((file) => {
      try {
        const record = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as Record_;
        const pid = livePidOf(path.join(dir, file.replace(/\.proc\.json$/, ".pid")), record.needles);
        return pid === undefined ? [] : [pid];
      } catch {
        return [];
      }
    });
}

export { isOurProcess };
