/**
 * The benchmark's own course: a 3-node local cluster on its own ports and a runner process on its own HTTP port,
 * so the shared cluster and runner other people use are never touched. Everything started here is stopped by
 * `stop()` (the cluster through the LocalCluster API, the runner by its pid).
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LocalCluster } from "../../runner/src/cluster/local/index.ts";
import { LIMIT_DEFAULTS } from "../../runner/src/config/index.ts";
import { LOCAL_NODE_IDS } from "../../runner/src/cluster/local/properties.ts";
import { describeTaken, kafkaJvms, kafkaPorts, takenPorts } from "../../scripts/ports.ts";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface StackOptions {
  home: string;
  kafkaPort: number;
  httpPort: number;
}

export interface RunnerEnv {
  RUNNER_ENGINE: "sandbox" | "process";
  RUN_WARM_POOL?: string;
  COURSE_MODE?: "single" | "classroom";
  siteDir?: string | undefined;
  /** Further runner variables for one phase (e.g. a longer RUN_TIMEOUT_MS). */
  extra?: Record<string, string>;
}

export class BenchStack {
  readonly options: StackOptions;
  readonly cluster: LocalCluster;
  private runner: ChildProcess | undefined;
  readonly url: string;

  constructor(options: StackOptions) {
    this.options = options;
    // The course's classroom topic policy, as `npm start` installs it (its limits do not touch the bench's own topics).
    this.cluster = new LocalCluster({ home: options.home, owned: true, port: options.kafkaPort, limits: LIMIT_DEFAULTS.classroom });
    this.url = `http://127.0.0.1:${options.httpPort}`;
  }

  get clusterDir(): string {
    return path.join(this.options.home, `cluster-${this.options.kafkaPort}`);
  }

  get bootstrap(): string[] {
    return [...this.cluster.bootstrap];
  }

  /** Broker JVM pids, read from the cluster's pid files. */
  brokerPids(): number[] {
    return LOCAL_NODE_IDS.flatMap((id) => {
      try {
        const pid = Number(fs.readFileSync(path.join(this.clusterDir, `node${id}.pid`), "utf8").trim());
        return Number.isInteger(pid) && fs.existsSync(`/proc/${pid}`) ? [pid] : [];
      } catch {
        return [];
      }
    });
  }

  /**
   * Why this stack cannot start, or undefined when every port it will listen on is free on 127.0.0.1. Brokers of
   * its own cluster left by an interrupted benchmark may hold theirs: the cold start stops them (pid files).
   */
  async portProblem(): Promise<string | undefined> {
    const leftovers = new Set(kafkaJvms(`${this.clusterDir}${path.sep}`));
    const taken = await takenPorts(
      [{ port: this.options.httpPort, role: "the benchmark's runner, BENCH_PORT" }, ...kafkaPorts(this.options.kafkaPort)],
      (holder) => leftovers.has(holder.pid),
    );
    return taken.length ? describeTaken(taken, "npm run bench", "BENCH_PORT / KAFKA_PORT") : undefined;
  }

  get runnerPid(): number | undefined {
    return this.runner?.exitCode === null ? this.runner.pid : undefined;
  }

  /** Starts the runner process with `env` and resolves once /api/health answers. */
  async startRunner(env: RunnerEnv): Promise<void> {
    await this.stopRunner();
    const child = spawn(process.execPath, [path.join(import.meta.dirname, "runner-child.ts")], {
      cwd: repoRoot,
      env: {
        ...process.env,
        PORT: String(this.options.httpPort),
        KAFKA_PORT: String(this.options.kafkaPort),
        KAFKA_MODE: "local",
        OFFSET_HOME: this.options.home,
        RUNNER_ENGINE: env.RUNNER_ENGINE,
        RUN_WARM_POOL: env.RUN_WARM_POOL ?? "2",
        COURSE_MODE: env.COURSE_MODE ?? "single",
        ...(env.siteDir ? { BENCH_SITE_DIR: env.siteDir } : {}),
        ...env.extra,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.runner = child;
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`The runner exited while starting (code ${child.exitCode}):\n${output.slice(-2000)}`);
      if (
        output.includes("READY") &&
        (await fetch(`${this.url}/api/health`).then(
          (r) => r.ok,
          () => false,
        ))
      )
        return;
      await sleep(100);
    }
    throw new Error(`The runner did not start within 120 s:\n${output.slice(-2000)}`);
  }

  async stopRunner(): Promise<void> {
    const child = this.runner;
    this.runner = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(20_000)]);
    if (child.exitCode === null) child.kill("SIGKILL");
  }

  /** Stops the runner and the brokers this stack started. */
  async stop(): Promise<void> {
    await this.stopRunner();
    await this.cluster.down();
  }

  /** Resident memory in MiB of the runner (with its sandboxes) and of the brokers. */
  rss(): { runnerMb: number; brokersMb: number; totalMb: number } {
    const runner = this.runnerPid ? descendants(this.runnerPid).reduce((sum, pid) => sum + rssKb(pid), 0) : 0;
    const brokers = this.brokerPids().reduce((sum, pid) => sum + rssKb(pid), 0);
    return { runnerMb: Math.round(runner / 1024), brokersMb: Math.round(brokers / 1024), totalMb: Math.round((runner + brokers) / 1024) };
  }
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** `pid` and every process below it (sandboxes are children of bwrap, which is a child of the runner). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // Gone while we looked.
    }
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const next = queue.shift()!;
    result.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return result;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function machine(): { cores: number; memoryGb: number; loadavg: number[]; node: string } {
  return {
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
  };
}
