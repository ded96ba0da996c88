/**
 * Renders compose/kafka.yml and compose/classroom.yml from the description in docker-nodes.ts. A test keeps the
 * committed files in step; after editing docker-nodes.ts (or the limits' defaults in runner/src/config), run
 * `node runner/src/cluster/docker-compose-file.ts` to rewrite them.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LIMIT_DEFAULTS } from "../config/index.ts";
import {
  COMPOSE_PROJECT,
  DOCKER_NODE_IDS,
  EDGE_NETWORK,
  KAFKA_IMAGE,
  LAB_NETWORK,
  PLUGIN_DOCKERFILE,
  PLUGIN_VOLUME,
  SECRET_FILE,
  SHARED_CONFIG_DIR,
  internalAddress,
  labBrokers,
  labLearnerBrokers,
  nodeSpec,
  pluginSpec,
  specHash,
  type NodeSpec,
  type VolumeMount,
} from "./docker-nodes.ts";
import { DEFAULT_KAFKA_PORT, clientPort, learnerPort } from "./local/properties.ts";

const composeDir = path.resolve(import.meta.dirname, "../../../compose");
export const kafkaComposePath = path.join(composeDir, "kafka.yml");
export const classroomComposePath = path.join(composeDir, "classroom.yml");

/** Where the course container (compose/offset.yml) finds the learner secret in classroom mode. */
export const COURSE_SECRET_DIR = "/run/offset-kafka";

// JSON strings are valid YAML double-quoted scalars, so quoting needs no YAML library. Compose reads `$` as the
// start of a variable everywhere, so a literal one is written `$$`.
const q = (value: string): string => JSON.stringify(value.replaceAll("$", () => "$$"));

/** Service key of node `id`; also its DNS name on both networks. */
const serviceKey = (spec: NodeSpec): string => spec.hostname;
/** Compose's key of a named volume: its name without the "offset-" every name starts with. */
const volumeKey = (volume: string): string => volume.replace(/^offset-/, "");
const mountLine = (m: VolumeMount): string => `      - ${q(`${volumeKey(m.volume)}:${m.target}${m.readOnly ? ":ro" : ""}`)}`;

/** The nodes as compose starts them: default ports, the course mode's default limits. */
const composeSpecs = (classroom: boolean): NodeSpec[] =>
  DOCKER_NODE_IDS.map((id) =>
    nodeSpec(id, { limits: LIMIT_DEFAULTS[classroom ? "classroom" : "single"], isolateLab: classroom, base: DEFAULT_KAFKA_PORT }),
  );

function pluginService(): string[] {
  const spec = pluginSpec();
  return [
    `  ${spec.service}:`,
    `    image: ${q(spec.image)}`,
    `    build:`,
    `      context: ".."`,
    `      dockerfile: ${q(PLUGIN_DOCKERFILE)}`,
    `    container_name: ${q(spec.name)}`,
    `    command:`,
    ...spec.command.map((arg) => `      - ${q(arg)}`),
    `    volumes:`,
    ...spec.mounts.map(mountLine),
    `    network_mode: "none"`,
    `    labels:`,
    `      offset.spec: ${q(specHash(spec))}`,
  ];
}

function service(spec: NodeSpec): string[] {
  const h = spec.healthcheck;
  const networks = [LAB_NETWORK, EDGE_NETWORK].flatMap((network) => {
    // Compose gives every network the service name; only the others are listed.
    const extra = (spec.aliases[network] ?? []).filter((alias) => alias !== serviceKey(spec));
    return extra.length ? [`      ${network}:`, `        aliases: [${extra.map(q).join(", ")}]`] : [`      ${network}: {}`];
  });
  return [
    `  ${serviceKey(spec)}:`,
    `    image: ${q(KAFKA_IMAGE)}`,
    `    container_name: ${q(spec.name)}`,
    `    hostname: ${q(spec.hostname)}`,
    `    depends_on:`,
    `      ${pluginSpec().service}:`,
    `        condition: service_completed_successfully`,
    `    environment:`,
    ...Object.entries(spec.env).map(([key, value]) => `      ${key}: ${q(value)}`),
    `    ports:`,
    // Loopback only: the PLAINTEXT listener has no authentication, so it must not be reachable from the LAN.
    ...spec.published.map((port) => `      - ${q(`127.0.0.1:${port}:${port}`)}`),
    `    volumes:`,
    ...spec.mounts.map(mountLine),
    `    networks:`,
    ...networks,
    `    mem_limit: ${q(`${spec.memoryMb}m`)}`,
    `    healthcheck:`,
    `      test: [${h.test.map(q).join(", ")}]`,
    `      interval: ${h.intervalS}s`,
    `      timeout: ${h.timeoutS}s`,
    `      retries: ${h.retries}`,
    `      start_period: ${h.startPeriodS}s`,
    `    labels:`,
    `      offset.node: ${q(String(spec.id))}`,
    `      offset.spec: ${q(specHash(spec))}`,
  ];
}

const GENERATED = `# Generated from runner/src/cluster/docker-nodes.ts; edit that, then run: node runner/src/cluster/docker-compose-file.ts`;

/** The full text of compose/kafka.yml. */
export function renderKafkaCompose(): string {
  const specs = composeSpecs(false);
  const hostPorts = DOCKER_NODE_IDS.map((id) => `127.0.0.1:${clientPort(id, DEFAULT_KAFKA_PORT)}`).join(", ");
  const learnerPorts = DOCKER_NODE_IDS.map((id) => `127.0.0.1:${learnerPort(id, DEFAULT_KAFKA_PORT)}`).join(", ");
  const volumes = [...new Set(specs.flatMap((spec) => spec.mounts.map((m) => m.volume)))];
  return [
    `# Offset's Kafka cluster: three combined broker+controller KRaft nodes (${KAFKA_IMAGE}).`,
    `# KAFKA_MODE=docker starts the same containers through the Docker API, and either adopts what the other started`,
    `# as long as the compose project keeps its default name, "${COMPOSE_PROJECT}" (so no -p or COMPOSE_PROJECT_NAME).`,
    `#   Start: docker compose -f compose/kafka.yml up -d --build    Stop: docker compose -f compose/kafka.yml down`,
    `#   Host clients:       ${hostPorts} (PLAINTEXT)`,
    `#                       ${learnerPorts} (learner logins, SASL/PLAIN)`,
    `#   Lab containers:     ${labBrokers.join(", ")} (PLAINTEXT; network ${LAB_NETWORK}, which has no route out)`,
    `#                       ${labLearnerBrokers.join(", ")} (learner logins)`,
    `# ${pluginSpec().service} builds the course's broker plugin (${PLUGIN_DOCKERFILE}) and installs it with the learner`,
    `# login secret (created on first start) in volume ${PLUGIN_VOLUME}, which each node mounts read-only at ${SHARED_CONFIG_DIR}.`,
    `# The topic policy has single mode's limits; for a class, add compose/classroom.yml (see there).`,
    GENERATED,
    `services:`,
    ...pluginService(),
    ...specs.flatMap((spec) => ["", ...service(spec)]),
    ``,
    `networks:`,
    `  ${LAB_NETWORK}:`,
    `    name: ${LAB_NETWORK}`,
    `    internal: true`,
    `  ${EDGE_NETWORK}:`,
    `    name: ${EDGE_NETWORK}`,
    ``,
    `volumes:`,
    ...volumes.flatMap((volume) => [`  ${volumeKey(volume)}:`, `    name: ${volume}`]),
    ``,
  ].join("\n");
}

/** The full text of compose/classroom.yml: what classroom mode changes in kafka.yml, and the course's learner access. */
export function renderClassroomCompose(): string {
  const single = composeSpecs(false);
  const classroom = composeSpecs(true);
  const nodes = classroom.flatMap((spec, index) => {
    const base = single[index]!;
    const missing = Object.keys(base.env).filter((key) => !(key in spec.env));
    // An override file can change and add variables, not remove them.
    if (missing.length) throw new Error(`classroom nodes lack ${missing.join(", ")}, which an override cannot remove`);
    const changed = Object.entries(spec.env).filter(([key, value]) => base.env[key] !== value);
    return [
      `  ${serviceKey(spec)}:`,
      `    environment:`,
      ...changed.map(([key, value]) => `      ${key}: ${q(value)}`),
      `    labels:`,
      `      offset.spec: ${q(specHash(spec))}`,
      ``,
    ];
  });
  return [
    `# Classroom mode for the cluster of kafka.yml and the course of offset.yml:`,
    `#   docker compose -f compose/kafka.yml -f compose/offset.yml -f compose/classroom.yml up --build`,
    `# (with OFFSET_BIND=0.0.0.0 to let the class in). The nodes' PLAINTEXT listeners answer on the ${EDGE_NETWORK} network`,
    `# only, so run containers on ${LAB_NETWORK} reach nothing but the learner listener, where each session logs in and`,
    `# holds ACLs on its own names; the topic policy gets classroom mode's limits. The course reads the learner secret`,
    `# from volume ${PLUGIN_VOLUME}. KAFKA_MODE=docker with COURSE_MODE=classroom starts the same nodes.`,
    GENERATED,
    `services:`,
    ...nodes,
    `  offset:`,
    `    environment:`,
    `      COURSE_MODE: "classroom"`,
    `      KAFKA_BROKERS: ${q(DOCKER_NODE_IDS.map((id) => internalAddress(id, true)).join(","))}`,
    `      KAFKA_LEARNER_BROKERS: ${q(labLearnerBrokers.join(","))}`,
    `      KAFKA_LEARNER_SECRET_FILE: ${q(`${COURSE_SECRET_DIR}/${path.posix.basename(SECRET_FILE)}`)}`,
    `    volumes:`,
    `      - ${q(`${volumeKey(PLUGIN_VOLUME)}:${COURSE_SECRET_DIR}:ro`)}`,
    ``,
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(composeDir, { recursive: true });
  for (const [file, text] of [
    [kafkaComposePath, renderKafkaCompose()],
    [classroomComposePath, renderClassroomCompose()],
  ] as const) {
    fs.writeFileSync(file, text);
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  }
}
