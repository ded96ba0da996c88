/**
 * The `local` backend: three Apache Kafka 4 JVMs on 127.0.0.1, each a combined broker+controller KRaft node,
 * with data, logs and pid files under OFFSET_HOME/cluster.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { canConnect, waitFor } from "../probe.ts";
import { ClusterError, type BrokerStatus, type ClusterBackend, type Progress, type StopOptions } from "../types.ts";
import { ensurePlugin, learnerSecret } from "./plugin.ts";
import { ensureJars, requireJava } from "./jars.ts";
import { ensureCourseTls, readCourseTls } from "./tls.ts";
import { isOurNode, livePid, terminate, terminateProcess } from "./pid-files.ts";
import {
  DEFAULT_KAFKA_PORT,
  LOCAL_NODE_IDS,
  clientPort,
  learnerPort,
  log4jYaml,
  SECURE_HOST,
  securePort,
  nodeProperties,
  type TopicPolicyLimits,
} from "./properties.ts";

const execFileAsync = promisify(execFile);
const READY_TIMEOUT_MS = 180_000;
const STOP_GRACE_MS = 20_000;

export interface LocalClusterOptions {
  /** OFFSET_HOME: jars, data, logs. */
  home: string;
  /**
   * When true, the nodes die with this process (a guardian watches it): `npm start` and `npm test`.
   * When false they keep running as daemons until `npm run cluster -- down`.
   */
  owned: boolean;
  /** Java heap per node, in MiB. */
  heapMb?: number;
  /** Client port of broker 1 (KAFKA_PORT). */
  port?: number;
  /** The course's topic policy (partitions, replication, retention, batch size); omitted, none is installed. */
  limits?: TopicPolicyLimits | undefined;
}

export class LocalCluster implements ClusterBackend {
  readonly mode = "local" as const;
  readonly canControlBrokers = true;
  readonly bootstrap: readonly string[];
  readonly learnerAccess: NonNullable<ClusterBackend["learnerAccess"]>;
  readonly secureAccess: NonNullable<ClusterBackend["secureAccess"]>;
  private readonly dir: string;
  private readonly port: number;
  private guardian: ChildProcess | undefined;
  private libs: string | undefined;
  private pluginClasses: string | undefined;
  /** Nodes this instance started (an owner stops only these). */
  private readonly startedHere = new Set<number>();
  private readonly options: LocalClusterOptions;

  constructor(options: LocalClusterOptions) {
    this.options = options;
    this.port = options.port ?? DEFAULT_KAFKA_PORT;
    this.bootstrap = LOCAL_NODE_IDS.map((id) => `127.0.0.1:${clientPort(id, this.port)}`);
    const learnerBootstrap = LOCAL_NODE_IDS.map((id) => `127.0.0.1:${learnerPort(id, this.port)}`);
    // One folder per port set, so two clusters on different ports never share data.
    this.dir = path.join(options.home, this.port === DEFAULT_KAFKA_PORT ? "cluster" : `cluster-${this.port}`);
    this.learnerAccess = { bootstrap: learnerBootstrap, secret: () => learnerSecret(this.dir) };
    this.secureAccess = {
      bootstrap: LOCAL_NODE_IDS.map((id) => `${SECURE_HOST}:${securePort(id, this.port)}`),
      caPem: () => readCourseTls(this.tlsDir())?.caPem,
    };
  }

  /** The course CA's certificate and the brokers' keystore (tls.ts). */
  private tlsDir(): string {
    return path.join(this.dir, "tls");
  }

  private file(id: number, suffix: "properties" | "pid" | "log"): string {
    return suffix === "log" ? path.join(this.dir, "logs", `node${id}.log`) : path.join(this.dir, `node${id}.${suffix}`);
  }

  private pid(id: number): number | undefined {
    return livePid(this.file(id, "pid"), this.file(id, "properties"));
  }

  async up(progress: Progress = () => {}): Promise<void> {
    await requireJava();
    this.libs = await ensureJars(this.options.home, progress);
    this.pluginClasses = (await ensurePlugin(this.libs)).classes;
    fs.mkdirSync(path.join(this.dir, "logs"), { recursive: true });
    fs.writeFileSync(path.join(this.dir, "log4j2.yaml"), log4jYaml);
    const secret = learnerSecret(this.dir);
    const tls = await ensureCourseTls(this.tlsDir(), progress);
    for (const id of LOCAL_NODE_IDS) {
      fs.writeFileSync(
        this.file(id, "properties"),
        nodeProperties(id, path.join(this.dir, "data", `node${id}`), {
          base: this.port,
          learnerSecret: secret,
          limits: this.options.limits,
          tls,
        }),
        {
          mode: 0o600,
        },
      );
    }
    await this.formatStorage(progress);
    const toStart = LOCAL_NODE_IDS.filter((id) => this.pid(id) === undefined);
    for (const id of toStart) this.startedHere.add(id);
    if (this.options.owned && toStart.length > 0) this.startGuardian(toStart);
    const started = Date.now();
    const results = await Promise.allSettled(LOCAL_NODE_IDS.map((id) => this.startNode(id, progress)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) {
      // Leave nothing half-started behind: stop the nodes this call started, then report the first failure.
      await Promise.all(toStart.map((id) => this.stopNode(id, () => {})));
      for (const id of toStart) this.startedHere.delete(id);
      this.guardian?.stdin?.end();
      this.guardian = undefined;
      throw failed.reason;
    }
    progress(`Kafka cluster ready: ${this.bootstrap.join(",")} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  /**
   * Stops the nodes. An owning process (npm start, npm test) stops only the nodes it started, so a cluster
   * brought up earlier with `npm run cluster -- up` keeps running.
   */
  async down(progress: Progress = () => {}): Promise<void> {
    const ids = this.options.owned ? [...this.startedHere] : [...LOCAL_NODE_IDS];
    await Promise.all(ids.map((id) => this.stopNode(id, progress)));
    this.startedHere.clear();
    this.guardian?.stdin?.end();
    this.guardian = undefined;
  }

  async status(): Promise<BrokerStatus[]> {
    return Promise.all(
      LOCAL_NODE_IDS.map(async (id) => {
        const address = `127.0.0.1:${clientPort(id, this.port)}`;
        return { id, address, up: this.pid(id) !== undefined && (await canConnect(address)) };
      }),
    );
  }

  async stopBroker(id: number, progress: Progress = () => {}, options: StopOptions = {}): Promise<void> {
    this.requireNode(id);
    await this.stopNode(id, progress, options.crash ? 0 : STOP_GRACE_MS);
  }

  async startBroker(id: number, progress: Progress = () => {}): Promise<void> {
    this.requireNode(id);
    this.libs ??= await ensureJars(this.options.home, progress);
    this.pluginClasses ??= (await ensurePlugin(this.libs)).classes;
    await this.startNode(id, progress);
  }

  private requireNode(id: number): void {
    if (!(LOCAL_NODE_IDS as readonly number[]).includes(id)) {
      throw new ClusterError(`There is no broker ${id}: the local cluster has brokers ${LOCAL_NODE_IDS.join(", ")}.`);
    }
  }

  /** Formats each node's storage once, all with the same cluster id. */
  private async formatStorage(progress: Progress): Promise<void> {
    const unformatted = LOCAL_NODE_IDS.filter((id) => !fs.existsSync(path.join(this.dir, "data", `node${id}`, "meta.properties")));
    if (unformatted.length === 0) return;
    const idFile = path.join(this.dir, "cluster-id");
    if (!fs.existsSync(idFile)) {
      const { stdout } = await this.java(["kafka.tools.StorageTool", "random-uuid"]);
      fs.writeFileSync(idFile, stdout.trim());
    }
    const clusterId = fs.readFileSync(idFile, "utf8").trim();
    progress(`Formatting storage for node${unformatted.length > 1 ? "s" : ""} ${unformatted.join(", ")}…`);
    await Promise.all(
      unformatted.map((id) =>
        this.java(["kafka.tools.StorageTool", "format", "-t", clusterId, "-c", this.file(id, "properties"), "--ignore-formatted"]),
      ),
    );
  }

  private java(args: string[]): Promise<{ stdout: string }> {
    // The plugin's classes too: the storage tool validates server.properties, which names the policy class.
    return execFileAsync("java", [
      "-cp",
      `${this.libs}/*:${this.pluginClasses}`,
      `-Dlog4j2.configurationFile=${path.join(this.dir, "log4j2.yaml")}`,
      ...args,
    ]);
  }

  private async startNode(id: number, progress: Progress): Promise<void> {
    if (this.pid(id) !== undefined) {
      progress(`Broker ${id} is already running`);
      return;
    }
    const address = `127.0.0.1:${clientPort(id, this.port)}`;
    if (await canConnect(address)) {
      throw new ClusterError(
        `Port ${clientPort(id, this.port)} is taken by another program. Stop it, set KAFKA_PORT to a free range, or use KAFKA_MODE=external to use that cluster.`,
      );
    }
    const logFile = this.file(id, "log");
    const logStart = fs.existsSync(logFile) ? fs.statSync(logFile).size : 0;
    const log = fs.openSync(logFile, "a");
    const heap = this.options.heapMb ?? 384;
    const child = spawn(
      "java",
      [
        `-Xms${Math.min(heap, 128)}m`,
        `-Xmx${heap}m`,
        "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20",
        "-XX:+ExplicitGCInvokesConcurrent",
        "-Djava.awt.headless=true",
        `-Dkafka.logs.dir=${path.join(this.dir, "logs")}`,
        `-Dlog4j2.configurationFile=${path.join(this.dir, "log4j2.yaml")}`,
        "-cp",
        `${this.libs}/*:${this.pluginClasses}`,
        "kafka.Kafka",
        this.file(id, "properties"),
      ],
      // Detached: a Ctrl+C in the terminal reaches us, not the JVMs; we stop them in order.
      { detached: true, stdio: ["ignore", log, log] },
    );
    fs.closeSync(log);
    child.unref();
    fs.writeFileSync(this.file(id, "pid"), String(child.pid));
    progress(`Starting broker ${id} (pid ${child.pid})…`);
    const started = Date.now();
    const ready = await waitFor(async () => {
      if (!isOurNode(child.pid!, this.file(id, "properties"))) return true;
      return readSince(logFile, logStart).includes("Kafka Server started") && (await canConnect(address));
    }, READY_TIMEOUT_MS);
    if (!isOurNode(child.pid!, this.file(id, "properties"))) {
      throw new ClusterError(`Broker ${id} exited while starting. Its log:\n${readSince(logFile, logStart).slice(-3000)}`);
    }
    if (!ready) throw new ClusterError(`Broker ${id} did not become ready within ${READY_TIMEOUT_MS / 1000} s; see ${logFile}`);
    progress(`Broker ${id} ready on ${address} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  /** Stops node `id`: SIGTERM, then SIGKILL after `graceMs` (0: SIGKILL at once, a crash). */
  private async stopNode(id: number, progress: Progress, graceMs = STOP_GRACE_MS): Promise<void> {
    const pid = this.pid(id);
    fs.rmSync(this.file(id, "pid"), { force: true, recursive: false });
    if (pid === undefined) return;
    progress(`${graceMs === 0 ? "Killing" : "Stopping"} broker ${id} (pid ${pid})…`);
    if (graceMs === 0) await terminateProcess(pid, ["kafka.Kafka", this.file(id, "properties")], 0, "SIGKILL");
    else await terminate(pid, this.file(id, "properties"), graceMs);
    progress(`Broker ${id} stopped`);
  }

  private startGuardian(ids: number[]): void {
    if (this.guardian) return;
    this.guardian = spawn(process.execPath, [path.join(import.meta.dirname, "guardian.ts"), this.dir, ids.join(",")], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
    });
    this.guardian.unref();
    // The pipe must not keep our event loop alive; it only has to close when we exit.
    (this.guardian.stdin as unknown as { unref?: () => void }).unref?.();
  }
}

function readSince(file: string, offset: number): string {
  try {
    const fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const buffer = Buffer.alloc(Math.max(0, size - offset));
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    fs.closeSync(fd);
    return buffer.toString("utf8");
  } catch {
    return "";
  }
}
