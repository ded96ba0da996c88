/**
 * The `zk-kafka` companion service: Apache Kafka 3.9 in ZooKeeper mode, for the lessons that compare it with KRaft.
 * One ZooKeeper 3.8 and three brokers run as local JVMs from Maven Central jars, with the runner's plaintext
 * listener and the learners' SASL listener, where classroom sessions log in exactly as on the course cluster and
 * prefixed ACLs (checked by the brokers' AclAuthorizer) keep each session inside its own names.
 */
import fs from "node:fs";
import path from "node:path";
import { terminateProcess } from "../../cluster/local/pid-files.ts";
import { canConnect, waitFor } from "../../cluster/probe.ts";
import { SessionAcls } from "../../session/acls.ts";
import type { TopicPolicyLimits } from "../../cluster/local/properties.ts";
import type { ServicePorts } from "../ports.ts";
import type { ManagedProcess } from "../process.ts";
import { ServiceError, type InsideAddress, type LearnerEndpoint, type Progress, type Service } from "../types.ts";
import { ZK_KAFKA_INSTALL, ensureZkKafkaJars, requireJavaForService } from "./jars.ts";
import {
  ZK_BROKER_IDS,
  ZK_CHROOT,
  ZK_SESSION_TIMEOUT_MS,
  brokerProperties,
  log4jProperties,
  zookeeperProperties,
  type ZkBrokerId,
} from "./properties.ts";
import { brokerProcess, readMeasuredMemory, rssKib, zookeeperProcess } from "./processes.ts";
import { isImok, withZooKeeper } from "./zookeeper.ts";

export interface ZkKafkaOptions {
  /** OFFSET_HOME: the jars are cached in <home>/kafka-3.9.2/libs. */
  home: string;
  /** This service's run folder (<home>/services/zk-kafka): pid files, conf/, data/, logs/. */
  runDir: string;
  ports: ServicePorts;
  /** COURSE_MODE=classroom: learners use the SASL listener and get their session's ACLs. */
  classroom: boolean;
  /** The course cluster's learner secret: sessions log in with the same credentials here. */
  learnerSecret: () => string;
  /** Path of the course's compiled broker plugin jar (its SessionPlainCallbackHandler checks the logins). */
  pluginJar: () => Promise<string>;
  /** The course's topic policy, as on the course cluster (the plugin's CoursePolicy); omitted, none is installed. */
  limits?: TopicPolicyLimits | undefined;
}

/** On two busy cores JVMs start 3-7x slower than the 10 s an idle machine needs. */
const READY_TIMEOUT_MS = 240_000;
/** The budget's figure until a start has measured the real one: ZooKeeper 63 + 3 brokers of about 190 MiB. */
const ESTIMATED_MEMORY_MB = 700;

const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

export class ZkKafkaService implements Service {
  readonly name = "zk-kafka" as const;
  readonly title = "Kafka 3.9 in ZooKeeper mode";
  readonly install = ZK_KAFKA_INSTALL;
  readonly ports: readonly number[];
  /** The runner's own (plaintext) addresses of brokers 1 to 3. */
  readonly bootstrap: readonly string[];
  /** The learner (SASL) addresses of brokers 1 to 3. */
  readonly learnerBootstrap: readonly string[];
  readonly zookeeperAddress: string;
  /** The brokers' znodes live under this chroot. */
  readonly chroot = ZK_CHROOT;
  memoryMb: number;
  private readonly options: ZkKafkaOptions;
  private libs: string | undefined;
  private plugin: string | undefined;
  /** Grants and revokes sessions' ACLs on this cluster (through its plaintext listener). */
  acls: SessionAcls;

  constructor(options: ZkKafkaOptions) {
    this.options = options;
    const { ports } = options;
    this.ports = [ports.zookeeper, ...ports.zkBrokers, ...ports.zkLearner];
    this.bootstrap = ports.zkBrokers.map((port) => `127.0.0.1:${port}`);
    this.learnerBootstrap = ports.zkLearner.map((port) => `127.0.0.1:${port}`);
    this.zookeeperAddress = `127.0.0.1:${ports.zookeeper}`;
    this.acls = new SessionAcls(() => this.bootstrap);
    this.memoryMb = readMeasuredMemory(this.file("memory-mb")) ?? ESTIMATED_MEMORY_MB;
  }

  private file(...parts: string[]): string {
    return path.join(this.options.runDir, ...parts);
  }

  private zookeeperProcess(): ManagedProcess {
    return zookeeperProcess(this.options.runDir, this.libs ?? "");
  }

  private brokerProcess(id: ZkBrokerId): ManagedProcess {
    return brokerProcess(this.options.runDir, id, this.libs ?? "", this.plugin ?? "");
  }

  async ensureInstalled(progress: Progress): Promise<void> {
    await requireJavaForService();
    this.libs = await ensureZkKafkaJars(this.options.home, progress);
    try {
      this.plugin = await this.options.pluginJar();
    } catch (error) {
      throw new ServiceError(`The course's broker plugin (learner logins) is not available: ${(error as Error).message}`);
    }
  }

  /** Writes the configuration files (again: the learner secret may have changed). */
  private writeConfig(): void {
    const { ports } = this.options;
    fs.mkdirSync(this.file("conf"), { recursive: true });
    fs.mkdirSync(this.file("logs"), { recursive: true });
    fs.writeFileSync(this.file("conf", "log4j.properties"), log4jProperties);
    fs.writeFileSync(
      this.file("conf", "zookeeper.properties"),
      zookeeperProperties({ port: ports.zookeeper, dataDir: this.file("data", "zookeeper") }),
    );
    const secret = this.options.learnerSecret();
    for (const id of ZK_BROKER_IDS) {
      const properties = brokerProperties(id, {
        zookeeperPort: ports.zookeeper,
        port: ports.zkBrokers[id - 1]!,
        learnerPort: ports.zkLearner[id - 1]!,
        dataDir: this.file("data", `broker-${id}`),
        learnerSecret: secret,
        policy: this.options.limits ? { limits: this.options.limits, bootstrap: this.bootstrap } : undefined,
      });
      // The learner secret is in it.
      fs.writeFileSync(this.file("conf", `broker-${id}.properties`), properties, { mode: 0o600 });
      fs.chmodSync(this.file("conf", `broker-${id}.properties`), 0o600);
    }
  }

  async start(progress: Progress): Promise<void> {
    if (!this.libs || !this.plugin) await this.ensureInstalled(progress);
    this.writeConfig();
    // ACLs live in ZooKeeper's data: a fresh start may have lost them, so nothing counts as granted any more.
    this.acls = new SessionAcls(() => this.bootstrap);
    const started = Date.now();
    await this.startZooKeeper(progress);
    await Promise.all(ZK_BROKER_IDS.map((id) => this.startBrokerProcess(id, progress)));
    this.memoryMb = this.measureMemory() ?? this.memoryMb;
    progress(
      `${this.title} ready: ZooKeeper ${this.zookeeperAddress}, brokers ${this.bootstrap.join(",")} (${seconds(started)} s, ${this.memoryMb} MiB)`,
    );
  }

  private async startZooKeeper(progress: Progress): Promise<void> {
    const zookeeper = this.zookeeperProcess();
    if (zookeeper.alive && (await isImok(this.zookeeperAddress))) return;
    await this.requireFreePort(zookeeper, this.zookeeperAddress, "ZooKeeper");
    progress("Starting ZooKeeper…");
    const started = Date.now();
    const offset = zookeeper.logSize();
    const pid = zookeeper.start();
    const ready = await waitFor(async () => !zookeeper.alive || (await isImok(this.zookeeperAddress, 1000)), READY_TIMEOUT_MS, 250);
    if (!zookeeper.alive) throw exitedWhileStarting("ZooKeeper", zookeeper, offset);
    if (!ready) throw new ServiceError(`ZooKeeper did not answer within ${READY_TIMEOUT_MS / 1000} s; see ${zookeeper.logFile}`);
    progress(`ZooKeeper ready on ${this.zookeeperAddress} (pid ${pid}, ${seconds(started)} s)`);
  }

  private async startBrokerProcess(id: ZkBrokerId, progress: Progress): Promise<void> {
    const broker = this.brokerProcess(id);
    const address = this.bootstrap[id - 1]!;
    const learner = this.learnerBootstrap[id - 1]!;
    if (broker.alive) return;
    await this.requireFreePort(broker, address, `Broker ${id}`);
    await this.requireFreePort(broker, learner, `Broker ${id}'s learner listener`);
    await this.awaitStaleRegistration(id, progress);
    progress(`Starting broker ${id}…`);
    const started = Date.now();
    const offset = broker.logSize();
    broker.start();
    const ready = await waitFor(
      async () =>
        !broker.alive ||
        (new RegExp(`\\[KafkaServer id=${id}\\] started`).test(broker.logSince(offset)) &&
          (await canConnect(address)) &&
          (await canConnect(learner)) &&
          (await this.registeredBrokers().catch((): number[] => [])).includes(id)),
      READY_TIMEOUT_MS,
      250,
    );
    if (!broker.alive) throw exitedWhileStarting(`Broker ${id}`, broker, offset);
    if (!ready) throw new ServiceError(`Broker ${id} did not become ready within ${READY_TIMEOUT_MS / 1000} s; see ${broker.logFile}`);
    progress(`Broker ${id} ready (${seconds(started)} s)`);
  }

  /**
   * A broker that was killed (or lost ZooKeeper under it) leaves its registration behind until its session
   * expires, and a broker that finds its id taken exits: wait for the old session to run out first.
   */
  private async awaitStaleRegistration(id: ZkBrokerId, progress: Progress): Promise<void> {
    const registered = async () => (await this.registeredBrokers().catch((): number[] => [])).includes(id);
    if (!(await registered())) return;
    progress(`Broker ${id} is still registered from its last run; waiting for its ZooKeeper session to expire…`);
    if (!(await waitFor(async () => !(await registered()), 10 * ZK_SESSION_TIMEOUT_MS, 250))) {
      throw new ServiceError(`Broker ${id}'s id is still registered in ZooKeeper (${ZK_CHROOT}/brokers/ids/${id}) by another process.`);
    }
  }

  private async requireFreePort(owner: ManagedProcess, address: string, what: string): Promise<void> {
    if (!owner.alive && (await canConnect(address))) {
      throw new ServiceError(`${what}'s port ${address} is taken by another program. Stop it, or set SERVICES_PORT to a free range.`);
    }
  }

  async stop(progress: Progress): Promise<void> {
    // Brokers first: without ZooKeeper a broker cannot finish its controlled shutdown and waits to be killed.
    await Promise.all(ZK_BROKER_IDS.map((id) => this.stopBroker(id, progress)));
    const zookeeper = this.zookeeperProcess();
    const pid = zookeeper.pid;
    if (pid !== undefined) progress(`Stopping ZooKeeper (pid ${pid})…`);
    await zookeeper.stop();
    if (pid !== undefined) progress("ZooKeeper stopped");
  }

  /**
   * Stops one broker (fault injection: a lesson stops the controller and watches the next one take over). A clean
   * stop hands its leaderships over and closes its ZooKeeper session, so a new controller is elected at once;
   * `crash` kills it (SIGKILL), and its session, with the controller role, lingers until the session timeout.
   */
  async stopBroker(id: number, progress: Progress = () => {}, options: { crash?: boolean } = {}): Promise<void> {
    const broker = this.brokerProcess(requireBrokerId(id));
    const pid = broker.pid;
    if (pid === undefined) return;
    const started = Date.now();
    progress(`${options.crash ? "Killing" : "Stopping"} broker ${id} (pid ${pid})…`);
    if (options.crash) await terminateProcess(pid, broker.spec.needles, 0, "SIGKILL");
    await broker.stop();
    progress(`Broker ${id} ${options.crash ? "killed" : "stopped"} (${seconds(started)} s)`);
  }

  /** Starts one stopped broker and waits until it is registered again. */
  async startBroker(id: number, progress: Progress = () => {}): Promise<void> {
    const brokerId = requireBrokerId(id);
    if (!this.libs || !this.plugin) await this.ensureInstalled(progress);
    if (!(await isImok(this.zookeeperAddress))) throw new ServiceError(`ZooKeeper is not running: start ${this.title} first.`);
    this.writeConfig();
    await this.startBrokerProcess(brokerId, progress);
  }

  async ready(): Promise<boolean> {
    if (!this.zookeeperProcess().alive || !(await isImok(this.zookeeperAddress))) return false;
    const ports = await Promise.all([...this.bootstrap, ...this.learnerBootstrap].map((address) => canConnect(address)));
    return ZK_BROKER_IDS.every((id) => this.brokerProcess(id).alive) && ports.every(Boolean);
  }

  pids(): number[] {
    return [this.zookeeperProcess(), ...ZK_BROKER_IDS.map((id) => this.brokerProcess(id))].flatMap((p) =>
      p.pid === undefined ? [] : [p.pid],
    );
  }

  /** Ids of the brokers registered in ZooKeeper now (/kafka39/brokers/ids), sorted. */
  async registeredBrokers(): Promise<number[]> {
    const ids = await withZooKeeper(this.zookeeperAddress, (zk) => zk.children(`${ZK_CHROOT}/brokers/ids`));
    return (ids ?? []).map(Number).sort((a, b) => a - b);
  }

  /** The controller broker's id (/kafka39/controller), undefined while there is none. */
  async controllerId(): Promise<number | undefined> {
    const data = await withZooKeeper(this.zookeeperAddress, (zk) => zk.data(`${ZK_CHROOT}/controller`));
    if (!data?.length) return undefined;
    const { brokerid } = JSON.parse(data.toString("utf8")) as { brokerid?: number };
    return typeof brokerid === "number" ? brokerid : undefined;
  }

  endpoints(): LearnerEndpoint[] {
    const brokers = this.options.classroom ? this.learnerBootstrap : this.bootstrap;
    return [...brokers.map((address) => ({ address })), { address: this.zookeeperAddress, gate: "zookeeper-read-only" }];
  }

  /** COURSE_MODE=classroom: sessions log in on the learner listener and get their ACLs. */
  get classroom(): boolean {
    return this.options.classroom;
  }

  async sessionEnv(labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
    return zkSessionEnv(this, labSession, inside);
  }

  /** Takes back a session's ACLs (its topics go with the cluster's data). */
  async forgetSession(labSession: string): Promise<void> {
    if (!this.options.classroom || !labSession || this.pids().length === 0) return;
    await this.acls.revoke(labSession);
  }

  /** The resident memory of the four JVMs now, in MiB (rounded up); also kept for the next runner's budget. */
  private measureMemory(): number | undefined {
    const kib = this.pids().reduce((sum, pid) => sum + rssKib(pid), 0);
    if (kib === 0) return undefined;
    const mib = Math.ceil(kib / 1024);
    fs.writeFileSync(this.file("memory-mb"), `${mib}\n`);
    return mib;
  }
}

function requireBrokerId(id: number): ZkBrokerId {
  if (!(ZK_BROKER_IDS as readonly number[]).includes(id)) {
    throw new ServiceError(`There is no broker ${id}: the ZooKeeper-mode cluster has brokers ${ZK_BROKER_IDS.join(", ")}.`);
  }
  return id as ZkBrokerId;
}

function exitedWhileStarting(what: string, process: ManagedProcess, offset: number): ServiceError {
  return new ServiceError(`${what} exited while starting. Its log (${process.logFile}):\n${process.logSince(offset).slice(-3000)}`);
}

/** What a ZooKeeper-mode cluster gives one session's runs, wherever it runs (local JVMs, or containers). */
export interface ZkSessionTarget {
  readonly title: string;
  /** Runner-side plaintext brokers and the learner listener's brokers, as host addresses. */
  readonly bootstrap: readonly string[];
  readonly learnerBootstrap: readonly string[];
  readonly zookeeperAddress: string;
  readonly classroom: boolean;
  /** Grants a session its prefixed ACLs (classroom mode). */
  readonly acls: Pick<SessionAcls, "ensure">;
}

/**
 * A session's environment on the ZooKeeper-mode cluster: in classroom mode its ACLs first, then the learner
 * listener (with the session's login, already in the run's env); for a single learner the plaintext listener.
 */
export async function zkSessionEnv(target: ZkSessionTarget, labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
  let brokers = target.bootstrap;
  if (target.classroom) {
    if (!labSession) throw new ServiceError(`${target.title} needs a classroom session to grant its permissions to.`);
    try {
      await target.acls.ensure(labSession);
    } catch (error) {
      throw new ServiceError(`Could not grant your session its permissions on ${target.title}: ${(error as Error).message}. Run again.`);
    }
    brokers = target.learnerBootstrap;
  }
  return {
    LAB_ZK_KAFKA_BROKERS: brokers.map((address) => inside(address)).join(","),
    LAB_ZOOKEEPER: inside(target.zookeeperAddress),
    LAB_ZK_CHROOT: ZK_CHROOT,
  };
}
