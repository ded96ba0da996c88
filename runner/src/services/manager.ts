/**
 * Starts companion services on demand, one start at a time, within a memory budget, and stops them after an idle
 * time. A run holds the services its lesson needs for as long as it executes, so none is stopped under it.
 *
 * Ownership follows the Kafka cluster's rule: the runner (npm start, npm test) stops what it started, and a
 * guardian process stops it too if the runner dies; what `npm run services -- up` started keeps running until
 * `down`. A run folder whose owner is gone is cleaned up at the next start.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { isOurProcess, stopRecorded } from "./process.ts";
import { ServiceError, type Progress, type Service, type ServiceName, type ServiceStateName, type ServiceStatus } from "./types.ts";

export interface ServiceManagerOptions {
  services: readonly Service[];
  /** OFFSET_HOME/services: each service's run folder is <dir>/<name>. */
  dir: string;
  /** SERVICES_MEMORY_MB. */
  budgetMb: number;
  /** SERVICES_IDLE_MINUTES, in ms. */
  idleMs: number;
  /** True for the runner (services die with it); false for the CLI (they keep running until `down`). */
  owned: boolean;
  /** Where start and stop lines go besides the caller's progress (the runner's log). */
  log?: Progress;
}

interface Entry {
  service: Service;
  state: ServiceStateName;
  /** Runs using it now. */
  users: number;
  lastUsed: number;
  startSeconds?: number;
  error?: string | undefined;
  /** The start (or stop) under way, which later callers wait on instead of starting their own. */
  pending?: Promise<void> | undefined;
  /** Progress listeners of the start under way: every waiting run sees its lines. */
  listeners: Set<Progress>;
  startedHere: boolean;
}

const OWNER_FILE = "owner";
const CLI_OWNER = "cli";

export class ServiceManager {
  private readonly entries = new Map<ServiceName, Entry>();
  private readonly options: ServiceManagerOptions;
  private idleTimer: NodeJS.Timeout | undefined;
  private guardian: ChildProcess | undefined;
  /** One start at a time: on two cores, two JVM services starting together both take several times longer. */
  private startChain: Promise<unknown> = Promise.resolve();

  constructor(options: ServiceManagerOptions) {
    this.options = options;
    for (const service of options.services) {
      this.entries.set(service.name, { service, state: "stopped", users: 0, lastUsed: 0, listeners: new Set(), startedHere: false });
    }
  }

  /** The services this course has, in declaration order. */
  get services(): readonly Service[] {
    return this.options.services;
  }

  has(name: string): name is ServiceName {
    return this.entries.has(name as ServiceName);
  }

  /** The service called `name`. */
  service(name: ServiceName): Service {
    return this.entry(name).service;
  }

  /** Stops what a previous owner left behind (it died without stopping its services), then watches the idle time. */
  async start(): Promise<void> {
    for (const { service } of this.entries.values()) {
      const dir = this.runDir(service.name);
      const owner = readOwner(dir);
      if (owner && owner !== CLI_OWNER && !ownerAlive(owner)) {
        const stopped = await stopRecorded(dir);
        if (stopped.length)
          this.log(`${service.title}: stopped ${stopped.length} process(es) left by an earlier run (pids ${stopped.join(", ")})`);
        fs.rmSync(path.join(dir, OWNER_FILE), { force: true });
      }
    }
    if (this.options.owned && !this.idleTimer) {
      this.idleTimer = setInterval(() => void this.stopIdle(), Math.min(30_000, this.options.idleMs)).unref();
    }
  }

  async status(): Promise<ServiceStatus[]> {
    return Promise.all(
      [...this.entries.values()].map(async (entry) => {
        const { service } = entry;
        let state = entry.state;
        if (state === "ready" || state === "stopped" || state === "failed") {
          // Started by someone else (the CLI), or died under us: the processes decide.
          const up = service.pids().length > 0 && (await service.ready());
          if (up) state = "ready";
          else if (state === "ready") state = "stopped";
        }
        return {
          name: service.name,
          title: service.title,
          state,
          memoryMb: service.memoryMb,
          pids: service.pids(),
          ...(entry.startSeconds !== undefined ? { startSeconds: entry.startSeconds } : {}),
          ...(entry.error && state === "failed" ? { error: entry.error } : {}),
        };
      }),
    );
  }

  /**
   * Makes sure every named service is ready and holds it until the returned release is called (the run ended).
   * Progress lines ("Starting RabbitMQ… 4 s") reach `progress` while the caller waits.
   */
  async acquire(names: readonly ServiceName[], progress: Progress = () => {}): Promise<() => void> {
    const held: Entry[] = [];
    const release = () => {
      for (const entry of held.splice(0)) {
        entry.users = Math.max(0, entry.users - 1);
        entry.lastUsed = Date.now();
      }
    };
    try {
      for (const name of names) {
        const entry = this.entry(name);
        entry.users += 1;
        entry.lastUsed = Date.now();
        held.push(entry);
        await this.ensureReady(entry, progress);
      }
    } catch (error) {
      release();
      throw error;
    }
    return release;
  }

  /** Starts one service (the CLI's `up`, a lesson page opening) without holding it. */
  async up(name: ServiceName, progress: Progress = () => {}): Promise<void> {
    const entry = this.entry(name);
    entry.lastUsed = Date.now();
    await this.ensureReady(entry, progress);
  }

  /** Stops one service now, whoever started it. */
  async down(name: ServiceName, progress: Progress = () => {}): Promise<void> {
    const entry = this.entry(name);
    if (entry.users > 0) throw new ServiceError(`${entry.service.title} is in use by ${entry.users} run(s); stop them first.`);
    await this.stopEntry(entry, progress);
  }

  /** Stops every service this manager started (the runner's shutdown). */
  async close(progress: Progress = () => {}): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    this.idleTimer = undefined;
    for (const entry of this.entries.values()) {
      await entry.pending?.catch(() => {});
      if (entry.startedHere) await this.stopEntry(entry, progress);
    }
    this.guardian?.stdin?.end();
    this.guardian = undefined;
  }

  private entry(name: ServiceName): Entry {
    const entry = this.entries.get(name);
    if (!entry) throw new ServiceError(`There is no service "${name}". Services: ${[...this.entries.keys()].join(", ")}.`);
    return entry;
  }

  private runDir(name: ServiceName): string {
    return path.join(this.options.dir, name);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  private async ensureReady(entry: Entry, progress: Progress): Promise<void> {
    for (;;) {
      if (entry.pending) {
        entry.listeners.add(progress);
        try {
          await entry.pending;
        } finally {
          entry.listeners.delete(progress);
        }
        continue;
      }
      if (entry.state === "ready" && entry.service.pids().length > 0) return;
      if (entry.service.pids().length > 0 && (await entry.service.ready())) {
        // Running already: started by the CLI, or by this manager before a restart of the runner.
        entry.state = "ready";
        return;
      }
      entry.listeners.add(progress);
      entry.pending = this.startEntry(entry).finally(() => {
        entry.pending = undefined;
        entry.listeners.delete(progress);
      });
      await entry.pending;
      return;
    }
  }

  private async startEntry(entry: Entry): Promise<void> {
    const { service } = entry;
    const say = (line: string) => {
      this.log(line);
      for (const listener of entry.listeners) listener(line);
    };
    const turn = this.startChain.then(async () => {
      await this.makeRoom(entry, say);
      entry.state = "starting";
      entry.error = undefined;
      const started = Date.now();
      const ticker = setInterval(() => say(`Starting ${service.title}… ${Math.round((Date.now() - started) / 1000)} s`), 5000);
      try {
        say(`Starting ${service.title}…`);
        await service.ensureInstalled(say);
        const dir = this.runDir(service.name);
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, OWNER_FILE), this.options.owned ? String(process.pid) : CLI_OWNER);
        if (this.options.owned) this.startGuardian();
        entry.startedHere = true;
        await service.start(say);
        entry.startSeconds = Math.round((Date.now() - started) / 100) / 10;
        entry.state = "ready";
        say(`${service.title} ready (${entry.startSeconds} s)`);
      } catch (error) {
        entry.state = "failed";
        entry.error = (error as Error).message;
        await service.stop(() => {}).catch(() => {});
        throw error instanceof ServiceError ? error : new ServiceError(`${service.title} did not start: ${(error as Error).message}`);
      } finally {
        clearInterval(ticker);
      }
    });
    this.startChain = turn.catch(() => {});
    await turn;
  }

  /** Stops idle services, least recently used first, until `entry` fits the budget; refuses if it cannot. */
  private async makeRoom(entry: Entry, say: Progress): Promise<void> {
    const { budgetMb } = this.options;
    if (entry.service.memoryMb > budgetMb) {
      throw new ServiceError(
        `${entry.service.title} needs about ${entry.service.memoryMb} MiB, more than SERVICES_MEMORY_MB=${budgetMb} allows. Raise SERVICES_MEMORY_MB.`,
      );
    }
    const running = () => [...this.entries.values()].filter((e) => e !== entry && (e.state === "ready" || e.state === "starting"));
    const used = () => running().reduce((sum, e) => sum + e.service.memoryMb, 0);
    const idle = () =>
      running()
        .filter((e) => e.users === 0 && e.state === "ready" && e.startedHere)
        .sort((a, b) => a.lastUsed - b.lastUsed);
    while (used() + entry.service.memoryMb > budgetMb) {
      const victim = idle()[0];
      if (!victim) {
        const busy = running()
          .map((e) => e.service.title)
          .join(", ");
        throw new ServiceError(
          `${entry.service.title} needs about ${entry.service.memoryMb} MiB, but the companion services' memory (SERVICES_MEMORY_MB=${budgetMb}) is held by ${busy}, in use right now. Run again in a minute, or raise SERVICES_MEMORY_MB.`,
        );
      }
      say(`Stopping ${victim.service.title}, idle, to make room for ${entry.service.title}…`);
      await this.stopEntry(victim, say);
    }
  }

  private async stopEntry(entry: Entry, progress: Progress): Promise<void> {
    await entry.pending?.catch(() => {});
    if (entry.state === "stopped" && entry.service.pids().length === 0) return;
    entry.state = "stopping";
    const stopping = (async () => {
      const started = Date.now();
      progress(`Stopping ${entry.service.title}…`);
      await entry.service.stop(progress);
      fs.rmSync(path.join(this.runDir(entry.service.name), OWNER_FILE), { force: true });
      entry.state = "stopped";
      entry.startedHere = false;
      const line = `${entry.service.title} stopped (${((Date.now() - started) / 1000).toFixed(1)} s)`;
      progress(line);
      if (progress !== this.options.log) this.log(line);
    })();
    entry.pending = stopping.finally(() => (entry.pending = undefined));
    await entry.pending;
  }

  private async stopIdle(): Promise<void> {
    const now = Date.now();
    for (const entry of this.entries.values()) {
      if (entry.startedHere && entry.state === "ready" && entry.users === 0 && now - entry.lastUsed > this.options.idleMs) {
        this.log(`${entry.service.title} has been idle for ${Math.round(this.options.idleMs / 60_000)} min; stopping it`);
        await this.stopEntry(entry, this.options.log ?? (() => {})).catch((error: Error) => this.log(`Stopping failed: ${error.message}`));
      }
    }
  }

  /** A process that stops this manager's services when the runner dies, however it dies (see services/guardian.ts). */
  private startGuardian(): void {
    if (this.guardian) return;
    this.guardian = spawn(process.execPath, [path.join(import.meta.dirname, "guardian.ts"), this.options.dir, String(process.pid)], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    this.guardian.unref();
    (this.guardian.stdin as unknown as { unref?: () => void }).unref?.();
  }
}

function readOwner(dir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dir, OWNER_FILE), "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

/** True when the owner pid still runs Node (a recycled pid running something else does not count). */
function ownerAlive(owner: string): boolean {
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid <= 0 || !isOurProcess(pid, [])) return false;
  try {
    return /node/.test(path.basename(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? ""));
  } catch {
    return false;
  }
}
