/**
 * The one description of the Docker cluster: three combined KRaft nodes from the official apache/kafka image.
 * DockerCluster creates containers from it, and compose/kafka.yml is rendered from it (docker-compose-file.ts),
 * so `docker compose up` and `KAFKA_MODE=docker` start the very same cluster.
 */
import crypto from "node:crypto";
import { DEFAULT_KAFKA_PORT, LOCAL_NODE_IDS, clientPort, nodeProperties } from "./local/properties.ts";

/** Same Kafka version as the local backend (runner/kafka/pom.xml). */
export const KAFKA_IMAGE = "apache/kafka:4.3.1";
export const DOCKER_NODE_IDS = LOCAL_NODE_IDS;
/** Internal network: brokers and sandbox containers only, no route out. */
export const LAB_NETWORK = "offset-lab";
/** Bridge network the brokers' host ports are published from (Docker publishes nothing from internal networks). */
export const EDGE_NETWORK = "offset-edge";
/** Any fixed 16-byte id works; all nodes must share it. This one is "offset-kafka-lab" in base64url. */
export const CLUSTER_ID = "b2Zmc2V0LWthZmthLWxhYg";
export const INTERNAL_PORT = 9092;
export const CONTROLLER_PORT = 9093;
const DATA_DIR = "/var/lib/kafka/data";
const HEAP_OPTS = "-Xms128m -Xmx384m";
const MEMORY_MB = 768;

/**
 * Compose's project for compose/kafka.yml: the name of the folder holding it. Containers and networks created
 * through the API carry compose's labels, so `docker compose` adopts them instead of failing on a name clash
 * (it refuses a same-named network whose com.docker.compose.network label differs).
 */
export const COMPOSE_PROJECT = "compose";

/** Labels compose itself puts on a network it creates. */
export const composeNetworkLabels = (network: string): Record<string, string> => ({
  "com.docker.compose.project": COMPOSE_PROJECT,
  "com.docker.compose.network": network,
});

/** Labels compose itself puts on a service's container. */
export const composeContainerLabels = (service: string): Record<string, string> => ({
  "com.docker.compose.project": COMPOSE_PROJECT,
  "com.docker.compose.service": service,
  "com.docker.compose.oneoff": "False",
  "com.docker.compose.container-number": "1",
});

export const containerName = (id: number): string => `offset-kafka-${id}`;
export const hostName = (id: number): string => `kafka-${id}`;
export const volumeName = (id: number): string => `offset-kafka-${id}-data`;
/** Address of broker `id` for containers on the lab network (sandboxed runs, the course container). */
export const labAddress = (id: number): string => `${hostName(id)}:${INTERNAL_PORT}`;
export const labBrokers: readonly string[] = DOCKER_NODE_IDS.map(labAddress);

export interface NodeSpec {
  id: number;
  name: string;
  hostname: string;
  /** Port published on 127.0.0.1 and advertised to host clients (EXTERNAL listener). */
  hostPort: number;
  volume: string;
  /** Environment in the image's convention: KAFKA_<PROPERTY> with dots as underscores. */
  env: Record<string, string>;
  memoryMb: number;
  healthcheck: { test: string[]; intervalS: number; timeoutS: number; retries: number; startPeriodS: number };
}

/**
 * Settings taken from the local backend's server.properties so both clusters behave alike in lessons. An explicit
 * list: the local nodes also carry host-only settings (listeners, a login handler from runner/kafka) that would
 * break a node running the stock image.
 */
const SHARED_WITH_LOCAL = [
  "default.replication.factor",
  "min.insync.replicas",
  "offsets.topic.replication.factor",
  "transaction.state.log.replication.factor",
  "transaction.state.log.min.isr",
  "share.coordinator.state.topic.replication.factor",
  "share.coordinator.state.topic.min.isr",
  "offsets.topic.num.partitions",
  "transaction.state.log.num.partitions",
  "share.coordinator.state.topic.num.partitions",
  "num.partitions",
  "group.initial.rebalance.delay.ms",
  "replica.lag.time.max.ms",
  "num.network.threads",
  "num.io.threads",
  "log.cleaner.dedupe.buffer.size",
];

/** Describes node `id` when broker 1 is published on host port `base`. */
export function nodeSpec(id: number, base = DEFAULT_KAFKA_PORT): NodeSpec {
  const hostPort = clientPort(id, base);
  const voters = DOCKER_NODE_IDS.map((n) => `${n}@${hostName(n)}:${CONTROLLER_PORT}`).join(",");
  const properties: Record<string, string> = {
    "node.id": String(id),
    "process.roles": "broker,controller",
    "controller.listener.names": "CONTROLLER",
    // INTERNAL serves the other brokers and every container on the lab network; EXTERNAL serves host clients.
    listeners: `INTERNAL://:${INTERNAL_PORT},EXTERNAL://:${hostPort},CONTROLLER://:${CONTROLLER_PORT}`,
    "advertised.listeners": `INTERNAL://${labAddress(id)},EXTERNAL://127.0.0.1:${hostPort}`,
    "listener.security.protocol.map": "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT",
    "inter.broker.listener.name": "INTERNAL",
    "controller.quorum.voters": voters,
    "log.dirs": DATA_DIR,
    ...sharedProperties(),
  };
  const env: Record<string, string> = { CLUSTER_ID, KAFKA_HEAP_OPTS: HEAP_OPTS };
  for (const [key, value] of Object.entries(properties)) env[envName(key)] = value;
  return {
    id,
    name: containerName(id),
    hostname: hostName(id),
    hostPort,
    volume: volumeName(id),
    env,
    memoryMb: MEMORY_MB,
    // A bash TCP probe costs nothing; a Kafka CLI health check would start a JVM every few seconds per node.
    healthcheck: {
      test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${INTERNAL_PORT}`],
      intervalS: 2,
      timeoutS: 3,
      retries: 30,
      startPeriodS: 60,
    },
  };
}

function sharedProperties(): Record<string, string> {
  const local = new Map(
    nodeProperties(1, DATA_DIR)
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
  );
  return Object.fromEntries(SHARED_WITH_LOCAL.filter((key) => local.has(key)).map((key) => [key, local.get(key)!]));
}

/** The image's naming rule: `.` → `_`, `_` → `__`, `-` → `___`, upper case, KAFKA_ prefix. */
export function envName(property: string): string {
  return `KAFKA_${property.replaceAll("-", "\u0000").replaceAll("_", "__").replaceAll(".", "_").replaceAll("\u0000", "___").toUpperCase()}`;
}

/** Short hash of a node's description, stored as a label so a changed description recreates the container. */
export function specHash(spec: NodeSpec): string {
  return crypto.createHash("sha256").update(KAFKA_IMAGE).update(JSON.stringify(spec)).digest("hex").slice(0, 12);
}
