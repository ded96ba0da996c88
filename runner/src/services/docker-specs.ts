/**
 * The one description of the companion services in Docker: which containers each one runs, from which official
 * images, on which networks, with which ports, volumes and memory. DockerService (docker.ts) creates containers from
 * it, compose/services/*.yml are rendered from it (docker-compose-file.ts), and the Docker engine reads from it how
 * a service's host address reads inside a run (docker-engine.ts), so all three always agree.
 *
 * Each service has two networks. `offset-svc-<name>` is internal (no route out): the service's learner-facing
 * containers are on it, and a run joins it only when its lesson names the service. `offset-svc-<name>-edge` is an
 * ordinary bridge: Docker publishes ports only from a network with a route out, so the runner's loopback ports come
 * from there, and what learners must not reach (ZooKeeper itself, the brokers' plaintext listeners in classroom
 * mode) sits on it alone. The settings are the local services' own (zk-kafka/properties.ts, rabbitmq/config.ts),
 * taken from the same functions, so both ways of running a service behave alike in lessons.
 */
import crypto from "node:crypto";
import { LEARNER_AUTH_CLASS } from "../cluster/local/properties.ts";
import { LEARNER_LISTENERS, PLUGIN_JAR, PLUGIN_VOLUME, SHARED_CONFIG_DIR } from "../cluster/docker-nodes.ts";
import { gateProgram } from "./docker-gate.ts";
import type { ServicePorts } from "./ports.ts";
import { ADMIN_USER, renderEnabledPlugins } from "./rabbitmq/config.ts";
import type { LearnerEndpoint, ServiceName } from "./types.ts";
import { ZK_BROKER_IDS, ZK_CHROOT, brokerProperties, zookeeperProperties } from "./zk-kafka/properties.ts";

/**
 * Kafka 3.9.2, as the local service (runner/kafka/zk-mode/pom.xml). The image's own start script formats KRaft
 * storage, which 3.9 refuses for a ZooKeeper-mode configuration (the image supports KRaft only), so these
 * containers run kafka-server-start.sh themselves, with every setting as an --override argument.
 */
export const ZK_KAFKA_IMAGE = "apache/kafka:3.9.2";
/** The ZooKeeper Kafka 3.9.2 is built against (its zookeeper 3.8.4 client jar), as the local service runs it. */
export const ZOOKEEPER_IMAGE = "zookeeper:3.8.4";
/** The read-only gate in front of ZooKeeper (docker-gate.ts): Node only, the base of compose/sandbox.Dockerfile. */
export const GATE_IMAGE = "node:24-slim";
export const RABBITMQ_IMAGE = "rabbitmq:3.13.7-management";

/**
 * Compose's project for compose/services/*.yml: the folder's name. Containers and networks created through the API
 * carry compose's labels with it, so `docker compose` adopts them (see COMPOSE_PROJECT in docker-nodes.ts).
 */
export const SERVICES_COMPOSE_PROJECT = "services";

/** The internal network a run joins when its lesson needs the service. */
export const serviceNetwork = (name: ServiceName): string => `offset-svc-${name}`;
/** The service's own bridge network: published ports, and what runs must not reach. */
export const edgeNetwork = (name: ServiceName): string => `offset-svc-${name}-edge`;

export interface VolumeMount {
  volume: string;
  target: string;
  readOnly: boolean;
}

export interface PublishedPort {
  /** Published on 127.0.0.1 only. */
  host: number;
  container: number;
}

export interface ContainerSpec {
  /** Compose's service key; also the container's host name. */
  service: string;
  /** Container name. */
  name: string;
  /** What progress lines call it: "Broker 2". */
  title: string;
  image: string;
  /** Replaces the image's CMD (its ENTRYPOINT stays). */
  command?: string[];
  env: Record<string, string>;
  /**
   * Variables whose value is a secret the runner passes in (RabbitMQ's administrator password): compose reads
   * each from the variable named here, so no secret is written in a compose file.
   */
  secretEnv?: Record<string, string>;
  user?: string;
  /** Read-only root, no capabilities, no new privileges (a container that needs nothing else). */
  lockedDown?: boolean;
  published: PublishedPort[];
  /** Named volumes; the image's other VOLUMEs are anonymous and go with the container. */
  mounts: VolumeMount[];
  /** DNS aliases per network. The first network is the primary one (ports are published from it). */
  networks: Record<string, string[]>;
  memoryMb: number;
  healthcheck?: { test: string[]; intervalS: number; timeoutS: number; retries: number; startPeriodS: number };
  /** Seconds a clean stop may take before the engine kills it. */
  stopGraceS: number;
}

/** A volume the service needs but does not own: another part of the course creates it. */
export interface ExternalVolume {
  name: string;
  /** What to do when it is missing. */
  advice: string;
}

/** Everything about one service in Docker except how to talk to it. */
export interface ServiceDescriptor {
  name: ServiceName;
  title: string;
  install: string;
  /** Started stage by stage, the containers of a stage together; stopped in the reverse order. */
  stages: ContainerSpec[][];
  networks: { name: string; internal: boolean }[];
  externalVolumes: ExternalVolume[];
  /** What a run of a lesson that needs the service may reach (host addresses, as the local service's). */
  endpoints: LearnerEndpoint[];
  /**
   * Every published address and the address inside runs that stands for it. An address marked `gate` is a
   * container that filters the protocol (the ZooKeeper gate): only such an address may serve a gated endpoint.
   */
  inside: Record<string, { address: string; gate?: LearnerEndpoint["gate"] }>;
  /** Addresses that must accept a TCP connection before the service counts as ready (the runner's own). */
  readyAddresses: string[];
}

export const containersOf = (descriptor: ServiceDescriptor): ContainerSpec[] => descriptor.stages.flat();

const loopback = (port: number): string => `127.0.0.1:${port}`;

/** A health check that costs nothing: bash opens a TCP connection to the container's own port. */
const tcpCheck = (port: number, startPeriodS: number) => ({
  test: ["CMD", "bash", "-c", `exec 3<>/dev/tcp/127.0.0.1/${port}`],
  intervalS: 2,
  timeoutS: 3,
  retries: 30,
  startPeriodS,
});

// ZooKeeper-mode Kafka ---------------------------------------------------------------------------------------------

export const ZOOKEEPER_CONTAINER_PORT = 2181;
/** Inside the networks: the runner's and the brokers' plaintext listener (INTERNAL). */
export const ZK_INTERNAL_PORT = 9092;
/** Inside the service network: the learners' SASL listener (LEARNER_LAB). */
export const ZK_LAB_LEARNER_PORT = 9094;
/** The real ZooKeeper, on the edge network only. */
export const ZOOKEEPER_HOST = "zookeeper-server";
/** The gate's name on the service network: runs know ZooKeeper by it. */
export const ZOOKEEPER_GATE_HOST = "zookeeper";
export const zkBrokerHost = (id: number): string => `zk-broker-${id}`;
/** Broker `id`'s name on the edge network only: listeners bound to it are out of the runs' reach. */
export const zkBrokerEdgeHost = (id: number): string => `zk-broker-${id}-edge`;
const ZK_DATA_DIR = "/var/lib/kafka/data";
const ZK_BROKER_HEAP = "-Xms128m -Xmx256m";
const ZK_BROKER_MEMORY_MB = 448;
const ZOOKEEPER_HEAP_MB = 128;
const ZOOKEEPER_MEMORY_MB = 192;
const GATE_MEMORY_MB = 64;

export interface ZkKafkaDockerOptions {
  ports: ServicePorts;
  /** COURSE_MODE=classroom: the plaintext listeners answer on the edge network only; runs log in on LEARNER_LAB. */
  classroom: boolean;
}

const parseProperties = (text: string): Map<string, string> =>
  new Map(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)] as const),
  );

/** Keys of the local broker's properties that name its host, its ports, its files or its listeners. */
const HOST_ONLY = new Set([
  "broker.id",
  "zookeeper.connect",
  "listeners",
  "advertised.listeners",
  "inter.broker.listener.name",
  "listener.security.protocol.map",
  "log.dirs",
]);
const LOCAL_LEARNER_PREFIX = "listener.name.learner.";
/** The JAAS lines hold the learner secret: they come from the plugin volume's server.properties. */
const JAAS_SUFFIX = "plain.sasl.jaas.config";
/**
 * The course cluster's two learner listeners (docker-nodes.ts): LEARNER for host clients, LEARNER_LAB for runs. The
 * plugin volume's server.properties holds a JAAS line for each of these names, which is why they are the same here.
 */
const ZK_LEARNER_LISTENERS = LEARNER_LISTENERS;

/** The local broker's settings that do not depend on where it runs, and its learner-listener settings for both listeners. */
function sharedBrokerSettings(): Record<string, string> {
  const local = parseProperties(
    brokerProperties(1, { zookeeperPort: 1, port: 2, learnerPort: 3, dataDir: ZK_DATA_DIR, learnerSecret: "unused" }),
  );
  const shared: Record<string, string> = {};
  for (const [key, value] of local) {
    if (HOST_ONLY.has(key)) continue;
    if (key.startsWith(LOCAL_LEARNER_PREFIX)) {
      if (key.endsWith(JAAS_SUFFIX)) continue;
      for (const listener of ZK_LEARNER_LISTENERS)
        shared[`listener.name.${listener.toLowerCase()}.${key.slice(LOCAL_LEARNER_PREFIX.length)}`] = value;
      continue;
    }
    shared[key] = value;
  }
  if (shared[`listener.name.learner_lab.plain.sasl.server.callback.handler.class`] !== LEARNER_AUTH_CLASS) {
    throw new Error("The local ZooKeeper-mode broker no longer checks learner logins with the course's plugin");
  }
  return shared;
}

/** server.properties settings of broker `id` in Docker (the JAAS lines come from the plugin volume's file). */
export function zkBrokerSettings(id: number, options: ZkKafkaDockerOptions): Record<string, string> {
  const { ports, classroom } = options;
  const hostPort = ports.zkBrokers[id - 1]!;
  const learnerHostPort = ports.zkLearner[id - 1]!;
  // Bound to every interface, or (classroom) to the edge network's address only, which runs cannot route to.
  const plain = classroom ? zkBrokerEdgeHost(id) : "";
  const internal = classroom ? zkBrokerEdgeHost(id) : zkBrokerHost(id);
  return {
    "broker.id": String(id),
    "zookeeper.connect": `${ZOOKEEPER_HOST}:${ZOOKEEPER_CONTAINER_PORT}${ZK_CHROOT}`,
    // INTERNAL: the brokers, and (single mode) the runs; EXTERNAL: the runner on the host, from the edge network.
    listeners: [
      `INTERNAL://${plain}:${ZK_INTERNAL_PORT}`,
      `EXTERNAL://${zkBrokerEdgeHost(id)}:${hostPort}`,
      `LEARNER://:${learnerHostPort}`,
      `LEARNER_LAB://:${ZK_LAB_LEARNER_PORT}`,
    ].join(","),
    "advertised.listeners": [
      `INTERNAL://${internal}:${ZK_INTERNAL_PORT}`,
      `EXTERNAL://${loopback(hostPort)}`,
      `LEARNER://${loopback(learnerHostPort)}`,
      `LEARNER_LAB://${zkBrokerHost(id)}:${ZK_LAB_LEARNER_PORT}`,
    ].join(","),
    "listener.security.protocol.map": [
      "INTERNAL:PLAINTEXT",
      "EXTERNAL:PLAINTEXT",
      ...ZK_LEARNER_LISTENERS.map((listener) => `${listener}:SASL_PLAINTEXT`),
    ].join(","),
    "inter.broker.listener.name": "INTERNAL",
    "log.dirs": ZK_DATA_DIR,
    ...sharedBrokerSettings(),
  };
}

/** The local ZooKeeper's settings as the official image's variables (its entrypoint writes zoo.cfg from them). */
function zookeeperEnv(): Record<string, string> {
  const named: Record<string, string> = {
    tickTime: "ZOO_TICK_TIME",
    maxClientCnxns: "ZOO_MAX_CLIENT_CNXNS",
    "admin.enableServer": "ZOO_ADMINSERVER_ENABLED",
    "4lw.commands.whitelist": "ZOO_4LW_COMMANDS_WHITELIST",
    "autopurge.snapRetainCount": "ZOO_AUTOPURGE_SNAPRETAINCOUNT",
    "autopurge.purgeInterval": "ZOO_AUTOPURGE_PURGEINTERVAL",
  };
  // Where it listens and keeps its files is the image's: port 2181 on every interface, /data and /datalog.
  const placement = new Set(["dataDir", "dataLogDir", "clientPort", "clientPortAddress"]);
  const env: Record<string, string> = { ZK_SERVER_HEAP: String(ZOOKEEPER_HEAP_MB) };
  const extra: string[] = [];
  for (const [key, value] of parseProperties(zookeeperProperties({ port: ZOOKEEPER_CONTAINER_PORT, dataDir: "/data" }))) {
    if (placement.has(key)) continue;
    const variable = named[key];
    if (variable) env[variable] = value;
    else if (/\s/.test(`${key}${value}`)) throw new Error(`ZooKeeper setting ${key}=${value} cannot pass through ZOO_CFG_EXTRA`);
    else extra.push(`${key}=${value}`);
  }
  if (env.ZOO_ADMINSERVER_ENABLED !== "false")
    throw new Error("The local ZooKeeper turned its admin server on; the Docker one keeps it off");
  if (extra.length) env.ZOO_CFG_EXTRA = extra.join(" ");
  return env;
}

/** `ruok` must be answered `imok`: bash speaks the four-letter word itself (the image has no client for it). */
const ZOOKEEPER_HEALTH = {
  test: [
    "CMD",
    "bash",
    "-c",
    `exec 3<>/dev/tcp/127.0.0.1/${ZOOKEEPER_CONTAINER_PORT} && printf ruok >&3 && read -r -t 2 answer <&3; [ "$answer" = imok ]`,
  ],
  intervalS: 2,
  timeoutS: 3,
  retries: 30,
  startPeriodS: 30,
};

export function zkKafkaDescriptor(options: ZkKafkaDockerOptions): ServiceDescriptor {
  const { ports, classroom } = options;
  const svc = serviceNetwork("zk-kafka");
  const edge = edgeNetwork("zk-kafka");
  const zookeeper: ContainerSpec = {
    service: ZOOKEEPER_HOST,
    name: "offset-svc-zookeeper",
    title: "ZooKeeper",
    image: ZOOKEEPER_IMAGE,
    env: zookeeperEnv(),
    published: [{ host: ports.zookeeper, container: ZOOKEEPER_CONTAINER_PORT }],
    mounts: [
      { volume: "offset-svc-zookeeper-data", target: "/data", readOnly: false },
      { volume: "offset-svc-zookeeper-datalog", target: "/datalog", readOnly: false },
    ],
    // The edge network only: runs reach ZooKeeper through the gate, never directly.
    networks: { [edge]: [ZOOKEEPER_HOST] },
    memoryMb: ZOOKEEPER_MEMORY_MB,
    healthcheck: ZOOKEEPER_HEALTH,
    stopGraceS: 20,
  };
  const gate: ContainerSpec = {
    service: ZOOKEEPER_GATE_HOST,
    name: "offset-svc-zookeeper-gate",
    title: "ZooKeeper's read-only gate",
    image: GATE_IMAGE,
    command: [
      "node",
      "--max-old-space-size=24",
      "--input-type=module-typescript",
      "-e",
      gateProgram({ port: ZOOKEEPER_CONTAINER_PORT, targetHost: ZOOKEEPER_HOST, targetPort: ZOOKEEPER_CONTAINER_PORT }),
    ],
    env: {},
    // The image's `node` user.
    user: "1000:1000",
    lockedDown: true,
    published: [],
    mounts: [],
    // Compose names a service on each of its networks; the API path gives it the same names.
    networks: { [edge]: [ZOOKEEPER_GATE_HOST], [svc]: [ZOOKEEPER_GATE_HOST] },
    memoryMb: GATE_MEMORY_MB,
    stopGraceS: 5,
  };
  const brokers: ContainerSpec[] = ZK_BROKER_IDS.map((id) => ({
    service: zkBrokerHost(id),
    name: `offset-svc-zk-broker-${id}`,
    title: `Broker ${id}`,
    image: ZK_KAFKA_IMAGE,
    command: [
      "/opt/kafka/bin/kafka-server-start.sh",
      // The plugin volume's file: the two learner listeners' JAAS lines, with the course's learner secret.
      `${SHARED_CONFIG_DIR}/server.properties`,
      ...Object.entries(zkBrokerSettings(id, options)).flatMap(([key, value]) => ["--override", `${key}=${value}`]),
    ],
    // kafka-run-class.sh puts CLASSPATH before the distribution's jars: the login check is found there.
    env: { KAFKA_HEAP_OPTS: ZK_BROKER_HEAP, CLASSPATH: PLUGIN_JAR },
    published: [
      { host: ports.zkBrokers[id - 1]!, container: ports.zkBrokers[id - 1]! },
      { host: ports.zkLearner[id - 1]!, container: ports.zkLearner[id - 1]! },
    ],
    mounts: [
      { volume: `offset-svc-zk-broker-${id}-data`, target: ZK_DATA_DIR, readOnly: false },
      { volume: PLUGIN_VOLUME, target: SHARED_CONFIG_DIR, readOnly: true },
    ],
    networks: { [edge]: [zkBrokerHost(id), zkBrokerEdgeHost(id)], [svc]: [zkBrokerHost(id)] },
    memoryMb: ZK_BROKER_MEMORY_MB,
    // LEARNER_LAB listens on every interface in both modes.
    healthcheck: tcpCheck(ZK_LAB_LEARNER_PORT, 60),
    // A clean stop hands the broker's leaderships over first.
    stopGraceS: 60,
  }));
  const inside: ServiceDescriptor["inside"] = {
    [loopback(ports.zookeeper)]: { address: `${ZOOKEEPER_GATE_HOST}:${ZOOKEEPER_CONTAINER_PORT}`, gate: "zookeeper-read-only" },
  };
  for (const id of ZK_BROKER_IDS) {
    inside[loopback(ports.zkBrokers[id - 1]!)] = { address: `${zkBrokerHost(id)}:${ZK_INTERNAL_PORT}` };
    inside[loopback(ports.zkLearner[id - 1]!)] = { address: `${zkBrokerHost(id)}:${ZK_LAB_LEARNER_PORT}` };
  }
  const bootstrap = ports.zkBrokers.map(loopback);
  const learnerBootstrap = ports.zkLearner.map(loopback);
  return {
    name: "zk-kafka",
    title: "Kafka 3.9 in ZooKeeper mode",
    install: `Docker images ${ZK_KAFKA_IMAGE}, ${ZOOKEEPER_IMAGE} and ${GATE_IMAGE} (compose/services/zk-kafka.yml)`,
    stages: [[zookeeper], [gate, ...brokers]],
    networks: [
      { name: edge, internal: false },
      { name: svc, internal: true },
    ],
    externalVolumes: [
      {
        name: PLUGIN_VOLUME,
        advice:
          "It holds the course's broker plugin and learner secret, and the course cluster creates it: start it with KAFKA_MODE=docker (or docker compose -f compose/kafka.yml up -d --build) first.",
      },
    ],
    // As the local service: single mode's runs use the plaintext listener, classroom runs log in as their session.
    endpoints: [
      ...(classroom ? learnerBootstrap : bootstrap).map((address) => ({ address })),
      { address: loopback(ports.zookeeper), gate: "zookeeper-read-only" },
    ],
    inside,
    readyAddresses: [loopback(ports.zookeeper), ...bootstrap, ...learnerBootstrap],
  };
}

// RabbitMQ ---------------------------------------------------------------------------------------------------------

export const AMQP_CONTAINER_PORT = 5672;
export const RABBITMQ_MANAGEMENT_CONTAINER_PORT = 15672;
export const RABBITMQ_HOST = "rabbitmq";
const RABBITMQ_MEMORY_MB = 448;
/**
 * Publishers are blocked above this (the memory alarm), well below the container's limit: the local node's figure
 * (MEMORY_HIGH_WATERMARK in rabbitmq/config.ts) is above the whole limit, so the container would be killed first.
 */
const RABBITMQ_WATERMARK = "300MiB";
/** The variable compose reads the administrator's password from. */
export const RABBITMQ_PASSWORD_VARIABLE = "OFFSET_RABBITMQ_ADMIN_PASSWORD";

export interface RabbitMqDockerOptions {
  ports: ServicePorts;
  /** The runner's administrator password (the local service's adminPassword(secret)). */
  adminPassword: string;
}

/**
 * What the container's command writes before it hands over to the image's entrypoint: the local node's plugins,
 * the memory alarm, and no guest login from anywhere but the container itself (the image's defaults allow it from
 * the network; the administrator login below replaces guest on a fresh database anyway).
 */
function rabbitStartScript(): string {
  const conf = ["loopback_users.guest = true", `vm_memory_high_watermark.absolute = ${RABBITMQ_WATERMARK}`];
  const quote = (line: string) => `'${line.replaceAll("'", `'\\''`)}'`;
  return [
    "set -eu",
    `printf '%s\\n' ${conf.map(quote).join(" ")} > /etc/rabbitmq/conf.d/90-offset.conf`,
    `printf '%s' ${quote(renderEnabledPlugins())} > /etc/rabbitmq/enabled_plugins`,
    "exec docker-entrypoint.sh rabbitmq-server",
  ].join("\n");
}

export function rabbitMqDescriptor(options: RabbitMqDockerOptions): ServiceDescriptor {
  const { ports } = options;
  const svc = serviceNetwork("rabbitmq");
  const edge = edgeNetwork("rabbitmq");
  const rabbit: ContainerSpec = {
    service: RABBITMQ_HOST,
    name: "offset-svc-rabbitmq",
    title: "RabbitMQ",
    image: RABBITMQ_IMAGE,
    command: ["bash", "-c", rabbitStartScript()],
    // RabbitMQ creates this login (and no guest) when its database is new, which it is in every new container:
    // the data directory is the image's anonymous volume, removed with the container.
    env: { RABBITMQ_DEFAULT_USER: ADMIN_USER, RABBITMQ_DEFAULT_PASS: options.adminPassword },
    secretEnv: { RABBITMQ_DEFAULT_PASS: RABBITMQ_PASSWORD_VARIABLE },
    published: [
      { host: ports.amqp, container: AMQP_CONTAINER_PORT },
      // The runner's only: runs reach the port on the service network too, but no session login may use the API.
      { host: ports.rabbitManagement, container: RABBITMQ_MANAGEMENT_CONTAINER_PORT },
    ],
    mounts: [],
    networks: { [edge]: [RABBITMQ_HOST], [svc]: [RABBITMQ_HOST] },
    memoryMb: RABBITMQ_MEMORY_MB,
    healthcheck: { ...tcpCheck(AMQP_CONTAINER_PORT, 60), intervalS: 3, retries: 40 },
    stopGraceS: 30,
  };
  return {
    name: "rabbitmq",
    title: "RabbitMQ 3.13",
    install: `Docker image ${RABBITMQ_IMAGE} (compose/services/rabbitmq.yml)`,
    stages: [[rabbit]],
    networks: [
      { name: edge, internal: false },
      { name: svc, internal: true },
    ],
    externalVolumes: [],
    endpoints: [{ address: loopback(ports.amqp) }],
    inside: {
      [loopback(ports.amqp)]: { address: `${RABBITMQ_HOST}:${AMQP_CONTAINER_PORT}` },
      [loopback(ports.rabbitManagement)]: { address: `${RABBITMQ_HOST}:${RABBITMQ_MANAGEMENT_CONTAINER_PORT}` },
    },
    readyAddresses: [loopback(ports.amqp), loopback(ports.rabbitManagement)],
  };
}

/**
 * How each service's published addresses read inside Docker runs. The names are fixed (compose's service keys),
 * so only the host ports (SERVICES_PORT) matter: the engine needs no password or mode to build it.
 */
export function insideAddresses(ports: ServicePorts): Record<ServiceName, ServiceDescriptor["inside"]> {
  return {
    "zk-kafka": zkKafkaDescriptor({ ports, classroom: false }).inside,
    rabbitmq: rabbitMqDescriptor({ ports, adminPassword: "unused" }).inside,
    // Kafka Connect runs beside a local cluster only (its gate is in the runner): Docker runs have no way to it.
    connect: {},
    // The TLS listener is the local cluster's (the Docker cluster has none yet): nothing to reach.
    security: {},
    // PostgreSQL runs beside a local cluster only (no compose file for it yet): Docker runs have no way to it.
    postgres: {},
  };
}

/** Short hash of a container's description, stored as a label so a changed description recreates the container. */
export function containerSpecHash(spec: ContainerSpec): string {
  return crypto.createHash("sha256").update(JSON.stringify(spec)).digest("hex").slice(0, 12);
}

/** Labels compose itself puts on a service's container and a network of the services' project. */
export const servicesContainerLabels = (service: string): Record<string, string> => ({
  "com.docker.compose.project": SERVICES_COMPOSE_PROJECT,
  "com.docker.compose.service": service,
  "com.docker.compose.oneoff": "False",
  "com.docker.compose.container-number": "1",
});

export const servicesNetworkLabels = (network: string): Record<string, string> => ({
  "com.docker.compose.project": SERVICES_COMPOSE_PROJECT,
  "com.docker.compose.network": network,
});
