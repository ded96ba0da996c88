/**
 * The `connect` companion service: one Kafka Connect 4.3.1 worker in distributed mode on the course cluster (its
 * plaintext listener), from Maven Central jars, with FileStreamSource and FileStreamSink as its only plugin. Its
 * configuration, offsets and status live in three replicated topics, so a restarted worker resumes its
 * connectors where they stopped. Learners never reach its REST API: their runs talk to the REST gate
 * (rest-gate.ts), which keeps each session to its own connectors, topics and folder of files.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { requireJava } from "../../cluster/local/jars.ts";
import { terminateProcess } from "../../cluster/local/pid-files.ts";
import { linkedFolders, onPath } from "../../cluster/local/lab-tools.ts";
import { canConnect, waitFor } from "../../cluster/probe.ts";
import { ClusterError } from "../../cluster/types.ts";
import { rootLinks } from "../../sandbox/usr-links.ts";
import { runnerSecret } from "../../session/secret.ts";
import type { ServicePorts } from "../ports.ts";
import { ManagedProcess, isOurProcess } from "../process.ts";
import { PendingForgets, descendants } from "../rabbitmq/procs.ts";
import {
  ServiceError,
  type FolderPath,
  type InsideAddress,
  type LearnerEndpoint,
  type Progress,
  type Service,
  type SharedFolder,
} from "../types.ts";
import { readMeasuredMemory, rssKib } from "../zk-kafka/processes.ts";
import {
  CONNECT_MAIN,
  WORKER_FILES_MOUNT,
  jailArgs,
  jvmArgs,
  layout,
  log4j2Properties,
  workerProperties,
  type ConnectLayout,
  type Jail,
} from "./config.ts";
import { connectInstall, connectVersion, ensureConnectJars, type ConnectJars } from "./jars.ts";
import type { SessionScope } from "./policy.ts";
import { RestGate, gateToken, sessionOfToken } from "./rest-gate.ts";

export { CONNECT_GROUP_ID, WORKER_FILES_MOUNT, connectTopics } from "./config.ts";
export { gateToken } from "./rest-gate.ts";

export interface ConnectOptions {
  /** OFFSET_HOME: the jars are cached in <home>/connect-4.3.1. */
  home: string;
  /** This service's run folder (<home>/services-<port>/connect): pid files, conf/, files/, logs/. */
  runDir: string;
  ports: ServicePorts;
  /** COURSE_MODE=classroom: every session has its own connector names, topics and folder, and a few connectors. */
  classroom: boolean;
  /** The course cluster's plaintext brokers (the runner's listener). */
  bootstrap: () => readonly string[];
  /** Keys the gate's tokens and the session folders' names; the runner secret in OFFSET_HOME when omitted. */
  secret?: () => string;
  /**
   * Runs the worker in a bubblewrap jail (config.ts, jailArgs), so a FileStream path or a learner's symlink can
   * reach nothing of the host but the session folders. Default: when /usr/bin/bwrap exists.
   */
  confine?: boolean;
  /** plugin.discovery=service_load; default true (measured: faster, less than half the memory). */
  serviceLoad?: boolean;
  /** The worker group, which names its internal topics (config.ts); CONNECT_GROUP_ID by default. */
  group?: string;
  /**
   * The folder of the session folders. Default: <runDir>/files when every folder above it lets others through
   * (a run as nobody must reach it for the sandbox's bind mount), otherwise <tmpdir>/offset-connect-<REST port>.
   */
  filesRoot?: string;
  /** Refusals of the gate (the runner's log). */
  log?: (line: string) => void;
  /**
   * A classroom's learner listener and the login of each session on it: a session's connectors then produce and
   * consume as the session, within its ACLs and quotas. Omitted, they use the worker's own clients.
   */
  learner?: { bootstrap: readonly string[]; login(labSession: string): { username: string; password: string } } | undefined;
}

const BWRAP = "/usr/bin/bwrap";
/** Measured: 8-19 s to a REST answer on two busy cores; a loaded machine can make it several times slower. */
const READY_TIMEOUT_MS = 300_000;
/** A clean stop (leave the group, flush the offsets) takes 1-3 s. */
const GRACE_MS = 30_000;
/**
 * The budget's figure: the heap's ceiling (192 MiB) plus metaspace and code cache. Measured 126 MiB at rest;
 * the figure the start measures is kept only when it is higher.
 */
const ESTIMATED_MEMORY_MB = 280;
/** A classroom session may hold this many connectors at once. */
export const MAX_SESSION_CONNECTORS = 10;

/** The client settings of a session's connectors: the learner listener, logged in as the session (SASL/PLAIN). */
export function sessionClients(bootstrap: readonly string[], login: { username: string; password: string }): Record<string, string> {
  const quote = (text: string) => JSON.stringify(text);
  return {
    "bootstrap.servers": bootstrap.join(","),
    "security.protocol": "SASL_PLAINTEXT",
    "sasl.mechanism": "PLAIN",
    "sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required username=${quote(login.username)} password=${quote(login.password)};`,
  };
}

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

export class ConnectService implements Service {
  readonly name = "connect" as const;
  readonly title: string;
  readonly install: string;
  readonly ports: readonly number[];
  /** The worker's REST listener, for the runner only. */
  readonly restAddress: string;
  /** The gate learners' runs reach. */
  readonly gateAddress: string;
  readonly files: ConnectLayout;
  memoryMb: number;
  private readonly options: ConnectOptions;
  private readonly confine: boolean;
  private readonly pendingForgets: PendingForgets;
  private readonly gate: RestGate;
  private jars: ConnectJars | undefined;
  private worker: { jars: ConnectJars | undefined; process: ManagedProcess } | undefined;

  constructor(options: ConnectOptions) {
    this.options = options;
    const version = connectVersion();
    this.title = `Kafka Connect ${version}`;
    this.install = connectInstall(version);
    this.ports = [options.ports.connectRest, options.ports.connectGate];
    this.restAddress = `127.0.0.1:${options.ports.connectRest}`;
    this.gateAddress = `127.0.0.1:${options.ports.connectGate}`;
    this.files = layout(options.runDir, options.filesRoot ?? defaultFilesRoot(options.runDir, options.ports.connectRest));
    this.confine = options.confine ?? fs.existsSync(BWRAP);
    this.pendingForgets = new PendingForgets(this.files.pendingForgetFile);
    this.memoryMb = Math.max(ESTIMATED_MEMORY_MB, readMeasuredMemory(this.files.memoryFile) ?? 0);
    this.gate = new RestGate({
      upstream: this.restAddress,
      scopeOf: (token) => {
        const labSession = sessionOfToken(this.secret(), token);
        if (labSession === undefined || (labSession === "") === this.options.classroom) return undefined;
        return this.scope(labSession);
      },
      ...(options.log ? { log: options.log } : {}),
    });
  }

  private secret(): string {
    return this.options.secret?.() ?? runnerSecret(this.options.home);
  }

  /** What the gate lets one session do. */
  scope(labSession: string): SessionScope {
    return {
      prefix: labSession ? `${labSession}.` : "",
      workerFiles: this.workerFilesDir(labSession),
      maxConnectors: this.options.classroom ? MAX_SESSION_CONNECTORS : undefined,
      clients:
        labSession && this.options.learner
          ? sessionClients(this.options.learner.bootstrap, this.options.learner.login(labSession))
          : undefined,
    };
  }

  /**
   * A session's folder's name: a keyed hash of the session, so that no session can guess another's (the worker
   * would follow a symlink to it).
   */
  private folderName(labSession: string): string {
    return crypto.createHmac("sha256", this.secret()).update(`connect-files:${labSession}`).digest("hex").slice(0, 24);
  }

  /**
   * The session's folder on the host, created when missing: its runs write in.txt there and read what a sink
   * wrote. World-writable, since runs write as nobody (65534) when the runner is root, and the jailed worker has
   * no capabilities to override permissions.
   */
  filesDir(labSession: string): string {
    this.ensureFilesRoot();
    const dir = path.join(this.files.filesRoot, this.folderName(labSession));
    if (!fs.existsSync(dir)) {
      fs.mkdirSync(dir, { mode: 0o777 });
      fs.chmodSync(dir, 0o777);
    }
    return dir;
  }

  /**
   * The folder of session folders: others may pass through it (0711) but not list it. One found already must be
   * a real folder of this user's, since it may sit in a shared tmp folder where anyone could have put it.
   */
  private ensureFilesRoot(): void {
    const root = this.files.filesRoot;
    if (!fs.existsSync(root)) fs.mkdirSync(root, { recursive: true, mode: 0o711 });
    const stat = fs.lstatSync(root);
    if (!stat.isDirectory() || stat.uid !== process.getuid?.()) {
      throw new ServiceError(
        `${root} is not a folder of this user's (a symlink, or someone else's): remove it, and Kafka Connect makes its own.`,
      );
    }
    if ((stat.mode & 0o777) !== 0o711) fs.chmodSync(root, 0o711);
  }

  /** The same folder as the worker sees it (what a connector's `file` names). */
  workerFilesDir(labSession: string): string {
    const root = this.confine ? WORKER_FILES_MOUNT : this.files.filesRoot;
    return path.posix.join(root, this.folderName(labSession));
  }

  /** The URL of a session's gate, as the runner's host reaches it (a run gets it through `sessionEnv`). */
  gateUrl(labSession: string, inside: InsideAddress = (address) => address): string {
    return `http://${inside(this.gateAddress)}/s/${gateToken(this.secret(), labSession)}/`;
  }

  /** The worker's process, built once per set of jars (finding the JDK's linked folders walks its files). */
  private process(): ManagedProcess {
    if (!this.worker || this.worker.jars !== this.jars) this.worker = { jars: this.jars, process: this.buildProcess() };
    return this.worker.process;
  }

  private buildProcess(): ManagedProcess {
    const libs = this.jars?.libs ?? "";
    const plugins = this.jars?.plugins ?? "";
    // requireJava (ensureInstalled) has found it; inside the jail the PATH is not searched.
    const java = fs.realpathSync(onPath("java"));
    const command = { java, libs, files: this.files };
    const args = this.confine ? jailArgs(jail(java, plugins), command) : [java, ...jvmArgs(command)];
    return new ManagedProcess(this.options.runDir, {
      id: "connect",
      command: args[0]!,
      args: args.slice(1),
      needles: [CONNECT_MAIN, this.files.workerProperties],
      graceMs: GRACE_MS,
    });
  }

  /** The worker's log (its standard output: log4j2 writes there). */
  get logFile(): string {
    return this.process().logFile;
  }

  async ensureInstalled(progress: Progress): Promise<void> {
    try {
      await requireJava();
    } catch (error) {
      throw error instanceof ClusterError ? new ServiceError(error.message) : error;
    }
    if (this.confine && !fs.existsSync(BWRAP)) {
      throw new ServiceError(
        `${BWRAP} is missing: the Connect worker runs in a bubblewrap jail. Install bubblewrap (apt-get install bubblewrap).`,
      );
    }
    this.jars = await ensureConnectJars(this.options.home, progress);
  }

  /** Rewritten before every start: the ports and the brokers may have changed since the last one. */
  private writeConfig(): void {
    const { files } = this;
    fs.mkdirSync(files.confDir, { recursive: true });
    fs.mkdirSync(path.join(this.options.runDir, "logs"), { recursive: true });
    this.ensureFilesRoot();
    const bootstrap = this.options.bootstrap();
    if (bootstrap.length === 0)
      throw new ServiceError("Kafka Connect needs the course cluster's brokers, and none are known. Start the cluster first.");
    fs.writeFileSync(
      files.workerProperties,
      workerProperties({
        bootstrap,
        restPort: this.options.ports.connectRest,
        pluginPath: this.jars!.plugins,
        serviceLoad: this.options.serviceLoad ?? true,
        ...(this.options.group ? { group: this.options.group } : {}),
      }),
    );
    fs.writeFileSync(files.log4jProperties, log4j2Properties);
  }

  async start(progress: Progress): Promise<void> {
    if (!this.jars) await this.ensureInstalled(progress);
    if (!(await this.ready())) await this.startWorker(progress);
    await this.openGate();
    await this.applyPendingForgets();
  }

  private async startWorker(progress: Progress): Promise<void> {
    const worker = this.process();
    if (worker.alive) {
      // Started by the CLI or an earlier runner and still starting: give it its time; stuck, it starts afresh.
      progress(`${this.title}: a worker is running (pid ${worker.pid}); waiting for it to answer`);
      if (await waitFor(async () => !worker.alive || (await this.ready()), READY_TIMEOUT_MS, 500)) return;
      progress(`${this.title}: the running worker does not answer; restarting it`);
      await this.stopWorker();
    }
    if (await canConnect(this.restAddress)) {
      throw new ServiceError(
        `Kafka Connect's port ${this.restAddress} is taken by another program. Stop it, or set SERVICES_PORT to a free range.`,
      );
    }
    this.writeConfig();
    const started = Date.now();
    const offset = worker.logSize();
    const pid = worker.start();
    progress(`${this.title}: worker starting (pid ${pid}${this.confine ? ", in its bubblewrap jail" : ""}); log ${worker.logFile}`);
    if (this.confine) await adoptJvm(worker, pid);
    const ready = await waitFor(async () => !worker.alive || (await this.ready()), READY_TIMEOUT_MS, 500);
    if (!worker.alive) {
      throw new ServiceError(`Kafka Connect exited while starting. Its log (${worker.logFile}):\n${worker.logSince(offset).slice(-3000)}`);
    }
    if (!ready) throw new ServiceError(`Kafka Connect did not answer within ${READY_TIMEOUT_MS / 1000} s; see ${worker.logFile}`);
    this.measureMemory();
    progress(
      `${this.title} ready: REST on ${this.restAddress} (runner only), gate on ${this.gateAddress} (${seconds(started)} s, ${this.residentMb()} MiB resident)`,
    );
  }

  private async openGate(): Promise<void> {
    try {
      await this.gate.listen(this.options.ports.connectGate);
    } catch (error) {
      throw new ServiceError(
        `The Connect gate cannot listen on ${this.gateAddress} (${(error as Error).message}). Stop what holds the port, or set SERVICES_PORT to a free range.`,
      );
    }
  }

  async stop(_progress: Progress): Promise<void> {
    await this.gate.close();
    await this.stopWorker();
  }

  private async stopWorker(): Promise<void> {
    const worker = this.process();
    const jail = this.jailPid();
    await worker.stop();
    // bwrap exits as soon as the JVM has; waited for, so that nothing is left when stop() returns.
    if (jail !== undefined) await terminateProcess(jail, worker.spec.needles, 5_000);
  }

  /** The bwrap process around the JVM, while there is one. */
  private jailPid(): number | undefined {
    const worker = this.process();
    const jvm = worker.pid;
    if (jvm === undefined) return undefined;
    try {
      const stat = fs.readFileSync(`/proc/${jvm}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      return parent !== jvm && isOurProcess(parent, worker.spec.needles) ? parent : undefined;
    } catch {
      return undefined;
    }
  }

  /** True when the worker is alive, answers GET / and offers FileStreamSource. */
  async ready(): Promise<boolean> {
    if (!this.process().alive) return false;
    try {
      const root = await this.rest("GET", "/");
      if (root.status !== 200) return false;
      const plugins = await this.rest("GET", "/connector-plugins");
      return plugins.status === 200 && JSON.stringify(plugins.body).includes("org.apache.kafka.connect.file.FileStreamSourceConnector");
    } catch {
      return false;
    }
  }

  /** The JVM, and the bwrap process around it when it runs in its jail. */
  pids(): number[] {
    const pid = this.process().pid;
    if (pid === undefined) return [];
    const jail = this.jailPid();
    return jail === undefined ? [pid] : [pid, jail];
  }

  /** The gate only: the worker's own REST listener is the runner's. */
  endpoints(): LearnerEndpoint[] {
    return [{ address: this.gateAddress }];
  }

  /**
   * LAB_CONNECT_URL (the session's gate), LAB_CONNECT_FILES (its folder inside the run: the sandbox engine binds
   * filesDir(labSession) there) and LAB_CONNECT_WORKER_FILES (the same folder as the worker sees it, for `file=`).
   */
  async sessionEnv(labSession: string, inside: InsideAddress, folderPath?: FolderPath): Promise<Record<string, string>> {
    if (this.options.classroom && labSession === "") {
      throw new ServiceError("Kafka Connect: a classroom run needs its session's own connectors and folder, and this run has no session.");
    }
    // The CLI may have started the worker; the gate lives in this process.
    await this.openGate();
    this.filesDir(labSession);
    this.pendingForgets.remove(labSession);
    const [folder] = this.sessionFolders(labSession);
    return {
      LAB_CONNECT_URL: this.gateUrl(labSession, inside),
      LAB_CONNECT_FILES: folderPath ? folderPath(folder!) : folder!.inside,
      LAB_CONNECT_WORKER_FILES: this.workerFilesDir(labSession),
    };
  }

  /**
   * The session's folder, shared with its runs. A run that can mount it sees it where the worker does, so one
   * path serves both the run's own file operations and a connector's `file`.
   */
  sessionFolders(labSession: string): SharedFolder[] {
    return [{ host: this.filesDir(labSession), inside: this.workerFilesDir(labSession) }];
  }

  /** Deletes a session's connectors (at the next start if the worker is down) and its folder. */
  async forgetSession(labSession: string): Promise<void> {
    // The single learner's connectors and files are theirs for good.
    if (labSession === "") return;
    fs.rmSync(path.join(this.files.filesRoot, this.folderName(labSession)), { recursive: true, force: true });
    if (!(await this.ready())) {
      this.pendingForgets.add(labSession);
      return;
    }
    await this.deleteConnectors(labSession);
    this.pendingForgets.remove(labSession);
  }

  /** The session's connectors on the worker now. */
  async sessionConnectors(labSession: string): Promise<string[]> {
    const list = await this.rest("GET", "/connectors");
    if (list.status !== 200 || !Array.isArray(list.body))
      throw new ServiceError(`Kafka Connect did not list its connectors (HTTP ${list.status}).`);
    const prefix = `${labSession}.`;
    return (list.body as unknown[]).filter((name): name is string => typeof name === "string" && name.startsWith(prefix));
  }

  private async deleteConnectors(labSession: string): Promise<void> {
    for (const name of await this.sessionConnectors(labSession)) {
      const answer = await this.rest("DELETE", `/connectors/${encodeURIComponent(name)}`);
      if (answer.status !== 204 && answer.status !== 404) {
        throw new ServiceError(`Kafka Connect did not delete connector ${name} (HTTP ${answer.status}): ${JSON.stringify(answer.body)}`);
      }
    }
  }

  private async applyPendingForgets(): Promise<void> {
    for (const labSession of this.pendingForgets.list()) {
      await this.deleteConnectors(labSession);
      this.pendingForgets.remove(labSession);
    }
  }

  /** One call to the worker's own REST API (the runner's; no gate). */
  async rest(method: string, pathAndQuery: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`http://${this.restAddress}${pathAndQuery}`, {
      method,
      headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON (an HTML error page): kept as text.
    }
    return { status: response.status, body: parsed };
  }

  /** The worker's resident memory now, in MiB; kept (when above the estimate) for the next runner's budget. */
  private measureMemory(): void {
    const pid = this.process().pid;
    const kib = pid === undefined ? 0 : rssKib(pid);
    if (kib === 0) return;
    const mib = Math.ceil(kib / 1024);
    fs.writeFileSync(this.files.memoryFile, `${mib}\n`);
    this.memoryMb = Math.max(ESTIMATED_MEMORY_MB, mib);
  }

  /** The resident memory of the worker now, in MiB (0 when it is not running). */
  residentMb(): number {
    const pid = this.process().pid;
    return pid === undefined ? 0 : Math.ceil(rssKib(pid) / 1024);
  }
}

/**
 * <runDir>/files when a run as nobody can reach it (every folder above lets others through: x for others),
 * otherwise a folder of its own in the tmp folder (OFFSET_HOME under /root, which is 0700).
 */
export function defaultFilesRoot(runDir: string, restPort: number, tmpdir = os.tmpdir()): string {
  return reachableByAll(runDir) ? path.join(runDir, "files") : path.join(tmpdir, `offset-connect-${restPort}`);
}

/** True when every existing folder from `dir` up to / lets others through; missing ones are made 0755 later. */
export function reachableByAll(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    try {
      if ((fs.statSync(current).mode & 0o001) === 0) return false;
    } catch {
      // Not made yet: mkdir makes it 0755.
    }
    if (current === path.dirname(current)) return true;
  }
}

function jail(java: string, plugins: string): Jail {
  const javaHome = path.dirname(path.dirname(java));
  return {
    bwrap: BWRAP,
    usrLinks: rootLinks(),
    javaHome,
    javaLinks: linkedFolders(javaHome),
    plugins,
    unprivileged: process.getuid?.() !== 0,
  };
}

/**
 * bwrap forks the JVM and waits for it. The pid file is given the JVM's own pid once it appears, so a stop
 * signals the JVM (a clean shutdown: it leaves the group and stores its offsets) and bwrap exits with it.
 */
async function adoptJvm(worker: ManagedProcess, bwrapPid: number): Promise<void> {
  let jvm: number | undefined;
  await waitFor(
    () => {
      jvm = descendants(bwrapPid).find((pid) => isOurProcess(pid, worker.spec.needles));
      return Promise.resolve(jvm !== undefined || !isOurProcess(bwrapPid, worker.spec.needles));
    },
    10_000,
    50,
  );
  if (jvm !== undefined) worker.adopt(jvm);
}
