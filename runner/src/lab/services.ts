/**
 * The companion services a lesson's runs can reach (runner/src/services): where they are, as this run sees them.
 * The runner sets these only for runs of a lesson that declares the service in `needs.services`; elsewhere each
 * getter says so instead of failing later with a refused connection.
 */
import { Kafka, type KafkaConfig } from "kafkajs";
import { clientConfig } from "./client-config.ts";

const env = typeof process === "object" ? process.env : {};

function required(name: string, service: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(
      `${service} is not open to this run. Only the lessons that use it reach it (lesson 12 for ZooKeeper-mode Kafka, lesson 14 for Kafka Connect, lesson 17 for PostgreSQL, lesson 18 for RabbitMQ), and only where the course runs it (a Docker-hosted course has no Kafka Connect or PostgreSQL yet): run this code from that lesson's page.`,
    );
  }
  return value;
}

/** Connection settings for the Kafka 3.9 cluster in ZooKeeper mode (three brokers), with the session's login. */
export function zkKafkaConfig(): KafkaConfig {
  return clientConfig("offset-lab-zk", required("LAB_ZK_KAFKA_BROKERS", "The ZooKeeper-mode Kafka cluster").split(","), "kafkajs zk-mode");
}

/** A kafkajs client for the ZooKeeper-mode cluster. */
export function zkKafka(): Kafka {
  return new Kafka(zkKafkaConfig());
}

/**
 * The ZooKeeper connection string of the ZooKeeper-mode cluster, with Kafka's chroot, for node-zookeeper-client:
 * `zookeeper.createClient(zookeeperConnect())`. Paths are then Kafka's own: /brokers/ids, /controller, …
 * The connection is read-only: a request that would change a znode closes it.
 */
export function zookeeperConnect(): string {
  return `${required("LAB_ZOOKEEPER", "ZooKeeper")}${env.LAB_ZK_CHROOT ?? ""}`;
}

/** The session's RabbitMQ URL (its own virtual host and login), for amqplib: `amqp.connect(amqpUrl())`. */
export function amqpUrl(): string {
  return required("LAB_AMQP_URL", "RabbitMQ");
}

/**
 * The session's PostgreSQL URL (its own database and login), for pg: `new pg.Client(postgresUrl())`. In a class
 * every session has a database of its own and may connect to no other.
 */
export function postgresUrl(): string {
  return required("LAB_PG_URL", "PostgreSQL");
}

/** One answer of the Connect worker's REST API: the HTTP status and the parsed JSON body. */
export interface ConnectAnswer<T = unknown> {
  status: number;
  body: T;
}

/** The course's Kafka Connect worker (distributed mode, FileStream connectors), as this session reaches it. */
export interface ConnectWorker {
  /** The REST API's base URL for this session (through the runner, which keeps a session to its own connectors). */
  url: string;
  /** This session's folder for FileStream files, as this run sees it (write in.txt here, read the sink's file). */
  files: string;
  /** The same folder as the worker sees it: what a connector's `file` setting names. */
  workerFiles: string;
  /** Calls the REST API: `request("PUT", "connectors/x/config", {...})`. A path is relative to `url`. */
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<ConnectAnswer<T>>;
}

/**
 * The session's Kafka Connect worker. Connector names, like topics, must carry the session's prefix: name them
 * with `topic("file-source")` (the same prefix rule) and point them at files under `workerFiles`.
 */
export function connectWorker(): ConnectWorker {
  const url = required("LAB_CONNECT_URL", "Kafka Connect");
  const files = required("LAB_CONNECT_FILES", "Kafka Connect");
  const workerFiles = required("LAB_CONNECT_WORKER_FILES", "Kafka Connect");
  return {
    url,
    files,
    workerFiles,
    async request<T>(method: string, path: string, body?: unknown): Promise<ConnectAnswer<T>> {
      const response = await fetch(new URL(path.replace(/^\//, ""), url), {
        method,
        headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON: kept as text.
      }
      return { status: response.status, body: parsed as T };
    },
  };
}
