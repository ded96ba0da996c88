/**
 * The `rabbitmq` companion service: a private RabbitMQ 3.10 node from Debian's rabbitmq-server package, with the
 * stream and management plugins, every listener on loopback. The runner alone uses the management API (with its
 * own administrator login); learners get AMQP only. In classroom mode RabbitMQ itself keeps sessions apart: each
 * has its own vhost and a login with rights on that vhost only, within per-vhost limits.
 */
import fs from "node:fs";
import { canConnect } from "../../cluster/probe.ts";
import type { ServicePorts } from "../ports.ts";
import { ManagedProcess } from "../process.ts";
import { ServiceError, type InsideAddress, type LearnerEndpoint, type Progress, type Service } from "../types.ts";
import { ManagementApi } from "./admin.ts";
import {
  ADMIN_USER,
  EPMD,
  NODE_MARK,
  RABBITMQ_SERVER,
  SESSION_LIMITS,
  adminPassword,
  amqpUrl,
  epmdArgs,
  layout,
  renderDefinitions,
  renderEnabledPlugins,
  renderRabbitConf,
  serverEnv,
  sessionLogin,
  type RabbitLayout,
  type SessionLogin,
} from "./config.ts";
import { descendants, PendingForgets } from "./procs.ts";

export interface RabbitMqOptions {
  /** This service's run folder (<OFFSET_HOME>/services…/rabbitmq): pid files, config/, home/, mnesia/, logs/. */
  runDir: string;
  ports: ServicePorts;
  /** COURSE_MODE=classroom: one vhost and login per session, with per-vhost limits. */
  classroom: boolean;
  /** The runner's secret: the administrator's and the sessions' passwords are derived from it. */
  secret: () => string;
}

/** Measured: a node with both plugins is ready in 7-20 s on an idle machine; busy cores make it several times slower. */
const READY_TIMEOUT_MS = 300_000;
const EPMD_TIMEOUT_MS = 20_000;
/** Stream and quorum queues recover within a second or so of the node answering. */
const QUEUES_TIMEOUT_MS = 60_000;
/** A clean stop (SIGTERM) takes 6-10 s; past this the node is killed. */
const BEAM_GRACE_MS = 60_000;
const EPMD_GRACE_MS = 5_000;
/**
 * Measured VmRSS right after start with both plugins: beam.smp 149-156 MiB, epmd 2.9, erl_child_setup 1.5 and
 * three inet_gethost 1.7 each: 158-165 MiB in all. With 30 sessions' vhosts, connections and queues: 171-175 MiB.
 */
const MEMORY_MB = 180;
const LOG_TAIL_LINES = 30;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class RabbitMqService implements Service {
  readonly name = "rabbitmq" as const;
  readonly title = "RabbitMQ 3.10";
  readonly install = "Debian package rabbitmq-server (3.10)";
  readonly memoryMb = MEMORY_MB;
  readonly ports: readonly number[];
  /** The AMQP listener, host:port, as the runner's host reaches it. */
  readonly amqpAddress: string;
  readonly files: RabbitLayout;
  private readonly options: RabbitMqOptions;
  private readonly beam: ManagedProcess;
  private readonly epmd: ManagedProcess;
  private readonly api: ManagementApi;
  private readonly pendingForgets: PendingForgets;
  /** Sessions whose vhost and login exist on the node `sessionsOfPid` (a restarted node is asked again). */
  private readonly sessions = new Map<string, Promise<void>>();
  private sessionsOfPid: number | undefined;

  constructor(options: RabbitMqOptions) {
    this.options = options;
    const { ports, runDir } = options;
    this.ports = [ports.amqp, ports.rabbitStream, ports.rabbitDist, ports.epmd, ports.rabbitManagement];
    this.amqpAddress = `127.0.0.1:${ports.amqp}`;
    this.files = layout(runDir);
    this.beam = new ManagedProcess(runDir, {
      id: "rabbitmq",
      command: RABBITMQ_SERVER,
      args: [NODE_MARK, runDir],
      env: serverEnv(ports, this.files),
      cwd: this.files.home,
      needles: [NODE_MARK, runDir],
      graceMs: BEAM_GRACE_MS,
    });
    this.epmd = new ManagedProcess(runDir, {
      id: "epmd",
      command: EPMD,
      args: epmdArgs(ports),
      needles: [EPMD, ...epmdArgs(ports)],
      graceMs: EPMD_GRACE_MS,
    });
    this.api = new ManagementApi(ports.rabbitManagement, ADMIN_USER, () => adminPassword(options.secret()));
    this.pendingForgets = new PendingForgets(this.files.pendingForgetFile);
  }

  ensureInstalled(_progress: Progress): Promise<void> {
    const missing = [RABBITMQ_SERVER, EPMD].filter((file) => !fs.existsSync(file));
    if (missing.length) {
      return Promise.reject(
        new ServiceError(
          `RabbitMQ is not installed (${missing.join(" and ")} not found). Install Debian's package as root: apt-get install rabbitmq-server (it needs no systemd; the course starts its own node).`,
        ),
      );
    }
    return Promise.resolve();
  }

  async start(progress: Progress): Promise<void> {
    if (await this.ready()) return;
    if (this.beam.alive && (await this.api.overviewStatus()) === 401) {
      // Started with another secret (the runner's changed since): a restart imports the current login.
      progress("RabbitMQ: the running node does not know the runner's login; restarting it");
      await this.stop(progress);
    }
    this.writeConfig();
    await this.startEpmd(progress);
    await this.startNode(progress);
    // Nobody but the runner logs in to the management API; definitions create no guest, and one left from an
    // older database goes too (learners arrive on loopback, where guest would be accepted).
    await this.api.deleteUser("guest");
    await this.applyPendingForgets();
  }

  async stop(_progress: Progress): Promise<void> {
    this.sessions.clear();
    this.sessionsOfPid = undefined;
    await this.beam.stop();
    await this.epmd.stop();
  }

  async ready(): Promise<boolean> {
    if (!this.beam.alive || !this.epmd.alive) return false;
    return (await this.api.overview()) && (await canConnect(this.amqpAddress, 2000));
  }

  pids(): number[] {
    return [this.beam.pid, this.epmd.pid].filter((pid): pid is number => pid !== undefined);
  }

  /** beam.smp's pid, and the helpers it runs (erl_child_setup, inet_gethost), which exit with it. */
  processTree(): { beam?: number; epmd?: number; helpers: number[] } {
    const beam = this.beam.pid;
    const epmd = this.epmd.pid;
    return { ...(beam !== undefined ? { beam } : {}), ...(epmd !== undefined ? { epmd } : {}), helpers: beam ? descendants(beam) : [] };
  }

  /** The node's own log (its standard output). */
  get logFile(): string {
    return this.beam.logFile;
  }

  endpoints(): LearnerEndpoint[] {
    return [{ address: this.amqpAddress }];
  }

  async sessionEnv(labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
    if (this.options.classroom && labSession === "") {
      throw new ServiceError("RabbitMQ: a classroom run needs its session's own vhost, and this run has no session.");
    }
    const login = this.login(labSession);
    await this.ensureSession(login, labSession);
    return { LAB_AMQP_URL: amqpUrl(login, inside(this.amqpAddress)) };
  }

  async forgetSession(labSession: string): Promise<void> {
    // The single learner's vhost is theirs for good.
    if (labSession === "") return;
    const login = this.login(labSession);
    this.sessions.delete(login.vhost);
    if (this.beam.pid === undefined || !(await this.api.overview())) {
      // Down (stopped when idle): its vhost goes at the next start.
      this.pendingForgets.add(labSession);
      return;
    }
    await this.api.deleteSession(login);
    this.pendingForgets.remove(labSession);
  }

  private login(labSession: string): SessionLogin {
    try {
      return sessionLogin(labSession, this.options.secret());
    } catch (error) {
      throw new ServiceError(`RabbitMQ: ${(error as Error).message}`);
    }
  }

  private async ensureSession(login: SessionLogin, labSession: string): Promise<void> {
    const pid = this.beam.pid;
    if (pid === undefined) throw new ServiceError("RabbitMQ is not running.");
    if (pid !== this.sessionsOfPid) {
      this.sessions.clear();
      this.sessionsOfPid = pid;
    }
    this.pendingForgets.remove(labSession);
    let created = this.sessions.get(login.vhost);
    if (!created) {
      created = this.api.ensureSession(login, this.options.classroom ? SESSION_LIMITS : {});
      this.sessions.set(login.vhost, created);
      void created.catch(() => this.sessions.delete(login.vhost));
    }
    try {
      await created;
    } catch (error) {
      throw new ServiceError(`RabbitMQ: could not prepare the session's vhost: ${(error as Error).message}`);
    }
  }

  private async applyPendingForgets(): Promise<void> {
    for (const labSession of this.pendingForgets.list()) {
      await this.api.deleteSession(this.login(labSession));
      this.pendingForgets.remove(labSession);
    }
  }

  /** Rewritten before every start: ports and the secret may have changed since the last one. */
  private writeConfig(): void {
    const { files } = this;
    for (const dir of [files.home, files.configDir]) fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(files.logBase, { recursive: true });
    fs.writeFileSync(files.confFile, renderRabbitConf(this.options.ports, files));
    fs.writeFileSync(files.pluginsFile, renderEnabledPlugins());
    fs.writeFileSync(files.definitionsFile, renderDefinitions(adminPassword(this.options.secret())), { mode: 0o600 });
    // Keeps the start script away from /etc/rabbitmq/rabbitmq-env.conf: this node's settings are its environment.
    fs.writeFileSync(files.envFile, "# The course sets this node's environment itself.\n");
  }

  private async startEpmd(progress: Progress): Promise<void> {
    if (this.epmd.alive) return;
    const port = this.options.ports.epmd;
    const address = `127.0.0.1:${port}`;
    if (await canConnect(address)) {
      throw new ServiceError(`RabbitMQ: port ${port} (its epmd) is taken by another process. Stop it, or move SERVICES_PORT.`);
    }
    const offset = this.epmd.logSize();
    this.epmd.start();
    const deadline = Date.now() + EPMD_TIMEOUT_MS;
    for (;;) {
      if (await canConnect(address)) break;
      if (!this.epmd.alive || Date.now() > deadline) {
        await this.epmd.stop();
        throw new ServiceError(`RabbitMQ: epmd did not listen on ${address}. ${this.epmd.logSince(offset).trim()}`.trim());
      }
      await sleep(100);
    }
    progress(`RabbitMQ: epmd listening on ${address}`);
  }

  private async startNode(progress: Progress): Promise<void> {
    const { ports } = this.options;
    if (!this.beam.alive) {
      for (const port of [ports.amqp, ports.rabbitManagement, ports.rabbitStream, ports.rabbitDist]) {
        if (await canConnect(`127.0.0.1:${port}`)) {
          throw new ServiceError(`RabbitMQ: port ${port} is taken by another process. Stop it, or move SERVICES_PORT.`);
        }
      }
    }
    const offset = this.beam.logSize();
    const firstStart = !fs.existsSync(this.files.mnesiaBase);
    this.beam.start();
    progress(`RabbitMQ: node starting${firstStart ? " (the first start creates its database)" : ""}; log ${this.beam.logFile}`);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let booted = false;
    for (;;) {
      if (!this.beam.alive) {
        throw new ServiceError(`RabbitMQ exited while starting. From ${this.beam.logFile}:\n${this.logTail(offset)}`);
      }
      if (!booted && this.beam.logSince(offset).includes("Server startup complete")) {
        booted = true;
        progress("RabbitMQ: broker started; waiting for its management API and AMQP listener");
      }
      if ((await this.api.overview()) && (await canConnect(this.amqpAddress, 2000))) break;
      if (Date.now() > deadline) {
        throw new ServiceError(
          `RabbitMQ did not answer within ${READY_TIMEOUT_MS / 1000} s. From ${this.beam.logFile}:\n${this.logTail(offset)}`,
        );
      }
      await sleep(500);
    }
    await this.api.waitForQueues(QUEUES_TIMEOUT_MS, progress);
    progress(`RabbitMQ: AMQP on ${this.amqpAddress}, management API on 127.0.0.1:${ports.rabbitManagement} (runner only)`);
  }

  /** The log's first errors (the cause: a crash report follows them), or its last lines when it has none. */
  private logTail(offset: number): string {
    const lines = this.beam.logSince(offset).trimEnd().split("\n");
    const firstError = lines.findIndex((line) => line.includes("[error]"));
    return (firstError >= 0 ? lines.slice(firstError, firstError + LOG_TAIL_LINES) : lines.slice(-LOG_TAIL_LINES)).join("\n");
  }
}
