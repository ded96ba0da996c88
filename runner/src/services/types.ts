/**
 * What every companion service (ZooKeeper-mode Kafka, RabbitMQ, …) offers the runner, whatever runs it: local
 * processes from Maven Central jars or Debian packages, or containers from compose files.
 */
import type { Progress } from "../cluster/types.ts";

export type { Progress } from "../cluster/types.ts";

/** The services a lesson can name in `needs.services`. */
export const SERVICE_NAMES = ["zk-kafka", "rabbitmq", "connect", "security", "postgres"] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/**
 * What in a run's code (the snippet, and an exercise's check) shows that it uses a service: its client library or
 * the lab helpers and variables that lead to it. A run of a lesson that declares a service waits for it only then,
 * so the lesson's other labs never wait for a system they do not touch.
 */
export const SERVICE_USE: Readonly<Record<ServiceName, RegExp>> = {
  "zk-kafka":
    /\b(zkKafka|zkKafkaConfig|zookeeperConnect|LAB_ZK_KAFKA_BROKERS|LAB_ZOOKEEPER)\b|["']node-zookeeper-client["']|\bstopBroker\(\s*["']zk-kafka["']/,
  rabbitmq: /\b(amqpUrl|LAB_AMQP_URL)\b|["']amqplib["']/,
  connect: /\b(connectWorker|LAB_CONNECT_URL|LAB_CONNECT_FILES|LAB_CONNECT_WORKER_FILES)\b/,
  postgres: /\b(postgresUrl|postgres_url|LAB_PG_URL)\b|["']pg["']|\bpsycopg\b/,
  security: /\b(tlsBrokers|courseCa|scramUser|scramUsers|deleteScramUser|addAcl|removeAcl|LAB_TLS_BROKERS|LAB_TLS_CA|LAB_SECURITY_URL)\b/,
};

/** One address a learner's run may connect to while its lesson needs the service. */
export interface LearnerEndpoint {
  /** host:port as the runner's host reaches it. */
  address: string;
  /** A filter on the learner's bytes, for a protocol the service cannot restrict by itself. */
  gate?: "zookeeper-read-only";
}

/** Where the runs' addresses come from: the engine maps each host address to the one its runs use. */
export type InsideAddress = (hostAddress: string) => string;

/** A host folder a run shares with a service (read and write), and where the run should see it. */
export interface SharedFolder {
  host: string;
  inside: string;
}

/** Where a run sees a shared folder: at `inside` where its engine mounts folders, at `host` where it cannot. */
export type FolderPath = (folder: SharedFolder) => string;

export interface Service {
  readonly name: ServiceName;
  /** What the page and the start-up lines call it: "Kafka 3.9 in ZooKeeper mode". */
  readonly title: string;
  /** Memory it takes while running, in MiB (the measured RSS, rounded up): the budget counts it. */
  readonly memoryMb: number;
  /** How it is installed, in one line ("Maven Central: org.apache.kafka:kafka_2.13:3.9.2"). */
  readonly install: string;
  /** Host ports it listens on (the port preflight checks them). */
  readonly ports: readonly number[];
  /** Fetches what is missing (jars); throws a ServiceError that names what to install when it cannot. */
  ensureInstalled(progress: Progress): Promise<void>;
  /** Starts whatever is not running and waits until the service answers. Idempotent. */
  start(progress: Progress): Promise<void>;
  /** Stops every process it started, by pid, and waits for them to exit. Idempotent. */
  stop(progress: Progress): Promise<void>;
  /** True when its processes are alive and it answers its readiness probe. */
  ready(): Promise<boolean>;
  /** Pids of its live processes (status, and the proof that nothing is left behind). */
  pids(): number[];
  /** What a run of a lesson that needs it may reach. */
  endpoints(): LearnerEndpoint[];
  /**
   * The environment one session's runs get (LAB_AMQP_URL, LAB_ZK_KAFKA_BROKERS, …), after creating the session's
   * own login and space on the service where it has them (classroom isolation). `labSession` is "" for a single
   * learner.
   */
  sessionEnv(labSession: string, inside: InsideAddress, folderPath?: FolderPath): Promise<Record<string, string>>;
  /** Host folders a session's runs share with the service (Kafka Connect's files), mounted for those runs only. */
  sessionFolders?(labSession: string): SharedFolder[];
  /** Removes a session's login and data (the idle-session janitor). */
  forgetSession?(labSession: string): Promise<void>;
}

export type ServiceStateName = "stopped" | "starting" | "ready" | "stopping" | "failed";

export interface ServiceStatus {
  name: ServiceName;
  title: string;
  state: ServiceStateName;
  memoryMb: number;
  /** Pids alive now. */
  pids: number[];
  /** Seconds the last start took (absent until one finished). */
  startSeconds?: number;
  /** Why the last start failed. */
  error?: string;
}

/** A service request the runner cannot honour; the message says what to do instead. */
export class ServiceError extends Error {
  override readonly name = "ServiceError";
}
