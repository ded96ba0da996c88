/**
 * The one description of the Docker cluster: three combined KRaft nodes from the official apache/kafka image, and
 * the one-shot container that installs the course's broker plugin for them. DockerCluster creates containers from
 * it, and compose/kafka.yml and compose/classroom.yml are rendered from it (docker-compose-file.ts), so
 * `docker compose up` and `KAFKA_MODE=docker` start the very same cluster.
 *
 * Like the local nodes, each node has the learner listener (SASL/PLAIN, logins checked by runner/kafka/plugin),
 * the standard authorizer with the PLAINTEXT listeners' anonymous principal as super user, and, given limits, the
 * course's topic policy. Docker adds one twist: run containers sit on the lab network next to the brokers, so the
 * learner listener exists twice (LEARNER for host clients on 127.0.0.1, LEARNER_LAB for lab containers), and in
 * classroom mode (`isolateLab`) the PLAINTEXT listeners are bound to the edge network's address only, which lab
 * containers cannot route to: there a run reaches nothing but its login.
 */
import crypto from "node:crypto";
import {
  DEFAULT_KAFKA_PORT,
  LOCAL_NODE_IDS,
  clientPort,
  learnerPort,
  nodeProperties,
  policyProperties,
  type TopicPolicyLimits,
} from "./local/properties.ts";

/** Same Kafka version as the local backend (runner/kafka/pom.xml). */
export const KAFKA_IMAGE = "apache/kafka:4.3.1";
export const DOCKER_NODE_IDS = LOCAL_NODE_IDS;
/** Internal network: brokers and sandbox containers only, no route out. */
export const LAB_NETWORK = "offset-lab";
/**
 * Bridge network the brokers' host ports are published from (Docker publishes nothing from internal networks). The
 * brokers and the course container share it; run containers never join it.
 */
export const EDGE_NETWORK = "offset-edge";
/** Any fixed 16-byte id works; all nodes must share it. This one is "offset-kafka-lab" in base64url. */
export const CLUSTER_ID = "b2Zmc2V0LWthZmthLWxhYg";
export const INTERNAL_PORT = 9092;
export const CONTROLLER_PORT = 9093;
/** The learner listener for containers on the lab network (LEARNER_LAB). */
export const LAB_LEARNER_PORT = 9094;
const DATA_DIR = "/var/lib/kafka/data";
const HEAP_OPTS = "-Xms128m -Xmx384m";
const MEMORY_MB = 768;

/**
 * The broker plugin reaches the nodes through a named volume. Why: the official image has a JRE only, and a host
 * with Docker need not have a JDK or the Kafka jars, so the plugin is compiled in a Docker build
 * (compose/kafka-plugin.Dockerfile: a JDK stage against the image's own /opt/kafka/libs), which compose and the
 * Docker API path both run under this tag. A one-shot container from that image copies the jar into the volume and
 * keeps the learner secret there (created on first use), and every broker mounts the volume read-only. The brokers
 * stay on the stock image; the volume is the one place the secret lives, whichever path started the cluster.
 */
export const PLUGIN_IMAGE = "offset-kafka-plugin:latest";
export const PLUGIN_DOCKERFILE = "compose/kafka-plugin.Dockerfile";
export const PLUGIN_CONTAINER = "offset-kafka-plugin";
export const PLUGIN_SERVICE = "kafka-plugin";
export const PLUGIN_VOLUME = "offset-kafka-plugin";
/** Where the Dockerfile leaves the jar in the plugin image. */
const PLUGIN_JAR_IN_IMAGE = "/opt/offset/offset-kafka-plugin.jar";
/**
 * Where the brokers mount the plugin volume: the image's "file input" folder, whose server.properties it reads
 * before applying the KAFKA_* variables. The install step writes the two JAAS lines (they hold the secret) there.
 */
export const SHARED_CONFIG_DIR = "/mnt/shared/config";
export const PLUGIN_JAR = `${SHARED_CONFIG_DIR}/offset-kafka-plugin.jar`;
/** The learner secret in the plugin volume (hex, created on first use). */
export const SECRET_FILE = `${SHARED_CONFIG_DIR}/learner-secret`;

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
/** Node `id`'s name on the edge network only: listeners bound to it are out of the lab containers' reach. */
export const edgeHostName = (id: number): string => `kafka-${id}-edge`;
export const volumeName = (id: number): string => `offset-kafka-${id}-data`;
/** PLAINTEXT address of broker `id` for containers on the lab network (single-mode runs, the course container). */
export const labAddress = (id: number): string => `${hostName(id)}:${INTERNAL_PORT}`;
export const labBrokers: readonly string[] = DOCKER_NODE_IDS.map(labAddress);
/** Learner-listener address of broker `id` for containers on the lab network (classroom runs log in here). */
export const labLearnerAddress = (id: number): string => `${hostName(id)}:${LAB_LEARNER_PORT}`;
export const labLearnerBrokers: readonly string[] = DOCKER_NODE_IDS.map(labLearnerAddress);
/**
 * PLAINTEXT address of broker `id` inside the Docker networks: other brokers, the topic policy, the course container.
 * With `isolateLab` it is the edge-only name, since the listener no longer answers on the lab network.
 */
export const internalAddress = (id: number, isolateLab = false): string =>
  isolateLab ? `${edgeHostName(id)}:${INTERNAL_PORT}` : labAddress(id);

/**
 * Bootstrap servers for a container on the lab network, given the ones the runner uses on the host (`base` is
 * KAFKA_PORT): the learner listener's host ports become LEARNER_LAB addresses, names that are not loopback
 * addresses are already in-network names and stay, and anything else is the PLAINTEXT lab address, as before.
 */
export function labBrokersFor(hostBrokers: readonly string[], base = DEFAULT_KAFKA_PORT): string[] {
  const learner = new Set(DOCKER_NODE_IDS.map((id) => `127.0.0.1:${learnerPort(id, base)}`));
  if (hostBrokers.length > 0 && hostBrokers.every((b) => learner.has(b))) return [...labLearnerBrokers];
  const loopback = (b: string) => /^(127\.|localhost:|\[::1\]:)/.test(b);
  if (hostBrokers.length > 0 && !hostBrokers.some(loopback)) return [...hostBrokers];
  return [...labBrokers];
}

export interface DockerNodeOptions {
  /** Host port of broker 1 (KAFKA_PORT). */
  base?: number;
  /** The course's topic policy; omitted, none is installed (as on the local cluster). */
  limits?: TopicPolicyLimits | undefined;
  /** Bind the PLAINTEXT listeners to the edge network only (classroom mode). */
  isolateLab?: boolean | undefined;
}

export interface VolumeMount {
  volume: string;
  target: string;
  readOnly: boolean;
}

export interface NodeSpec {
  id: number;
  name: string;
  hostname: string;
  /** Port published on 127.0.0.1 and advertised to host clients (EXTERNAL listener). */
  hostPort: number;
  /** Learner port published on 127.0.0.1 and advertised to host clients (LEARNER listener): KAFKA_PORT + 200 + id - 1. */
  learnerHostPort: number;
  /** Ports published on 127.0.0.1 under the same number. */
  published: number[];
  /** Named volumes: the data, and the plugin volume (read-only). */
  mounts: VolumeMount[];
  /** DNS names per network; the host name first. */
  aliases: Record<string, string[]>;
  /** Environment in the image's convention: KAFKA_<PROPERTY> with dots as underscores. */
  env: Record<string, string>;
  memoryMb: number;
  healthcheck: { test: string[]; intervalS: number; timeoutS: number; retries: number; startPeriodS: number };
}

/**
 * Settings taken from the local backend's server.properties so both clusters behave alike in lessons. An explicit
 * list: the local nodes also carry host-only settings (listeners on 127.0.0.1, the JAAS line with the secret).
 */
const SHARED_WITH_LOCAL = [
  "authorizer.class.name",
  "super.users",
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
  "group.share.min.heartbeat.interval.ms",
  "group.share.heartbeat.interval.ms",
  "replica.lag.time.max.ms",
  "num.network.threads",
  "num.io.threads",
  "log.cleaner.dedupe.buffer.size",
];

/**
 * The local node's LEARNER settings apply to both Docker learner listeners. No "SASL_" or "SSL" in these names: the
 * image's start script would then demand KAFKA_OPTS with a JAAS file, or key stores.
 */
export const LEARNER_LISTENERS = ["LEARNER", "LEARNER_LAB"] as const;
const LOCAL_LEARNER_PREFIX = "listener.name.learner.";
const JAAS_SUFFIX = "plain.sasl.jaas.config";
const SECRET_MARK = "@OFFSET_LEARNER_SECRET@";

/** The local node's settings with the secret left as a mark. */
function localProperties(): Map<string, string> {
  return new Map(
    nodeProperties(1, DATA_DIR, { learnerSecret: SECRET_MARK })
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
  );
}

const listenerPrefix = (listener: string): string => `listener.name.${listener.toLowerCase()}.`;

/** SASL/PLAIN with the course's login check on both learner listeners (the JAAS line comes from the plugin volume). */
function learnerProperties(local: Map<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of local) {
    if (!key.startsWith(LOCAL_LEARNER_PREFIX) || key.endsWith(JAAS_SUFFIX)) continue;
    for (const listener of LEARNER_LISTENERS) result[listenerPrefix(listener) + key.slice(LOCAL_LEARNER_PREFIX.length)] = value;
  }
  return result;
}

/** Describes node `id`. */
export function nodeSpec(id: number, options: DockerNodeOptions = {}): NodeSpec {
  const { base = DEFAULT_KAFKA_PORT, limits, isolateLab = false } = options;
  const hostPort = clientPort(id, base);
  const learnerHostPort = learnerPort(id, base);
  const local = localProperties();
  // Bound to every interface, or to the edge network's address only: a container on the lab network has no route there.
  const plain = isolateLab ? edgeHostName(id) : "";
  const voterHost = (n: number) => (isolateLab ? edgeHostName(n) : hostName(n));
  const voters = DOCKER_NODE_IDS.map((n) => `${n}@${voterHost(n)}:${CONTROLLER_PORT}`).join(",");
  const properties: Record<string, string> = {
    "node.id": String(id),
    "process.roles": "broker,controller",
    "controller.listener.names": "CONTROLLER",
    // INTERNAL serves the other brokers and the course container, EXTERNAL host clients; both are the runner's.
    // LEARNER (host clients) and LEARNER_LAB (lab containers) take a session's login and answer on every interface.
    listeners: [
      `INTERNAL://${plain}:${INTERNAL_PORT}`,
      `EXTERNAL://${plain}:${hostPort}`,
      `CONTROLLER://${plain}:${CONTROLLER_PORT}`,
      `LEARNER://:${learnerHostPort}`,
      `LEARNER_LAB://:${LAB_LEARNER_PORT}`,
    ].join(","),
    "advertised.listeners": [
      `INTERNAL://${internalAddress(id, isolateLab)}`,
      `EXTERNAL://127.0.0.1:${hostPort}`,
      `LEARNER://127.0.0.1:${learnerHostPort}`,
      `LEARNER_LAB://${labLearnerAddress(id)}`,
    ].join(","),
    "listener.security.protocol.map": [
      "CONTROLLER:PLAINTEXT",
      "INTERNAL:PLAINTEXT",
      "EXTERNAL:PLAINTEXT",
      ...LEARNER_LISTENERS.map((l) => `${l}:SASL_PLAINTEXT`),
    ].join(","),
    "inter.broker.listener.name": "INTERNAL",
    "controller.quorum.voters": voters,
    "log.dirs": DATA_DIR,
    ...learnerProperties(local),
    ...Object.fromEntries(SHARED_WITH_LOCAL.filter((key) => local.has(key)).map((key) => [key, local.get(key)!])),
    ...(limits
      ? Object.fromEntries(
          Object.entries(
            policyProperties(
              limits,
              DOCKER_NODE_IDS.map((n) => internalAddress(n, isolateLab)),
            ),
          ).map(([key, value]) => [key, String(value)]),
        )
      : {}),
  };
  // CLASSPATH: kafka-run-class.sh puts it before /opt/kafka/libs, for the storage format step (which loads the policy
  // class) and the broker alike. The changed class path costs the image's class-data-sharing archive (a warning, and
  // a slightly slower start), not the start itself.
  const env: Record<string, string> = { CLUSTER_ID, KAFKA_HEAP_OPTS: HEAP_OPTS, CLASSPATH: PLUGIN_JAR };
  for (const [key, value] of Object.entries(properties)) env[envName(key)] = value;
  return {
    id,
    name: containerName(id),
    hostname: hostName(id),
    hostPort,
    learnerHostPort,
    published: [hostPort, learnerHostPort],
    mounts: [
      { volume: volumeName(id), target: DATA_DIR, readOnly: false },
      { volume: PLUGIN_VOLUME, target: SHARED_CONFIG_DIR, readOnly: true },
    ],
    aliases: { [LAB_NETWORK]: [hostName(id)], [EDGE_NETWORK]: [hostName(id), edgeHostName(id)] },
    env,
    memoryMb: MEMORY_MB,
    // A bash TCP probe costs nothing; a Kafka CLI health check would start a JVM every few seconds per node. It knocks
    // on LEARNER_LAB, which listens on loopback in either mode (isolated PLAINTEXT listeners do not).
    healthcheck: {
      test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${LAB_LEARNER_PORT}`],
      intervalS: 2,
      timeoutS: 3,
      retries: 30,
      startPeriodS: 60,
    },
  };
}

export interface PluginSpec {
  name: string;
  service: string;
  image: string;
  command: string[];
  mounts: VolumeMount[];
}

const shellQuote = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The one-shot container that installs the plugin: copies the jar into the volume, creates the learner secret on
 * first use (24 random bytes in hex, like the local cluster's), and writes the listeners' JAAS lines around it.
 * Nothing prints the secret: `docker compose up` shows this container's output.
 */
export function pluginSpec(): PluginSpec {
  const jaas = localProperties().get(LOCAL_LEARNER_PREFIX + JAAS_SUFFIX);
  if (!jaas?.includes(SECRET_MARK)) throw new Error("The local node's JAAS line has no secret option");
  const [before, after] = jaas.split(SECRET_MARK) as [string, string];
  const lines = LEARNER_LISTENERS.map(
    (listener) => `${shellQuote(`${listenerPrefix(listener)}${JAAS_SUFFIX}=${before}`)}"$secret"${shellQuote(after)}`,
  );
  const d = SHARED_CONFIG_DIR;
  const script = [
    "set -eu",
    "umask 077",
    `cp ${PLUGIN_JAR_IN_IMAGE} ${d}/.plugin.jar && mv -f ${d}/.plugin.jar ${PLUGIN_JAR}`,
    `if [ ! -s ${SECRET_FILE} ]; then head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n' > ${d}/.secret && mv -f ${d}/.secret ${SECRET_FILE}; fi`,
    `secret=$(cat ${SECRET_FILE})`,
    `case "$secret" in ''|*[!0-9A-Za-z_-]*) echo "${SECRET_FILE} must hold letters, digits, - and _ only" >&2; exit 1;; esac`,
    `printf '%s\\n' ${lines.join(" ")} > ${d}/.server.properties && mv -f ${d}/.server.properties ${d}/server.properties`,
    `echo "Installed the course's broker plugin and the learner login secret in volume ${PLUGIN_VOLUME}"`,
  ].join("\n");
  return {
    name: PLUGIN_CONTAINER,
    service: PLUGIN_SERVICE,
    image: PLUGIN_IMAGE,
    command: ["bash", "-c", script],
    mounts: [{ volume: PLUGIN_VOLUME, target: SHARED_CONFIG_DIR, readOnly: false }],
  };
}

/** The image's naming rule: `.` → `_`, `_` → `__`, `-` → `___`, upper case, KAFKA_ prefix. */
export function envName(property: string): string {
  return `KAFKA_${property.replaceAll("-", "\u0000").replaceAll("_", "__").replaceAll(".", "_").replaceAll("\u0000", "___").toUpperCase()}`;
}

/** Short hash of a description, stored as a label so a changed description recreates the container. */
export function specHash(spec: NodeSpec | PluginSpec): string {
  return crypto.createHash("sha256").update(KAFKA_IMAGE).update(JSON.stringify(spec)).digest("hex").slice(0, 12);
}
