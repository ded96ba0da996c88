/**
 * Renders compose/kafka.yml from the node description in docker-nodes.ts. A test keeps the committed file in step;
 * after editing docker-nodes.ts, run `node runner/src/cluster/docker-compose-file.ts` to rewrite it.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  COMPOSE_PROJECT,
  DOCKER_NODE_IDS,
  EDGE_NETWORK,
  KAFKA_IMAGE,
  LAB_NETWORK,
  labBrokers,
  nodeSpec,
  specHash,
  type NodeSpec,
} from "./docker-nodes.ts";
import { DEFAULT_KAFKA_PORT, clientPort } from "./local/properties.ts";

export const kafkaComposePath = path.resolve(import.meta.dirname, "../../../compose/kafka.yml");

// JSON strings are valid YAML double-quoted scalars, so quoting needs no YAML library.
const q = (value: string): string => JSON.stringify(value);

/** Service key of node `id`; also its DNS name on the lab network. */
const serviceKey = (spec: NodeSpec): string => spec.hostname;
const volumeKey = (spec: NodeSpec): string => `${spec.hostname}-data`;

function service(spec: NodeSpec): string[] {
  const h = spec.healthcheck;
  return [
    `  ${serviceKey(spec)}:`,
    `    image: ${q(KAFKA_IMAGE)}`,
    `    container_name: ${q(spec.name)}`,
    `    hostname: ${q(spec.hostname)}`,
    `    environment:`,
    ...Object.entries(spec.env).map(([key, value]) => `      ${key}: ${q(value)}`),
    `    ports:`,
    // Loopback only: the brokers have no authentication, so they must not be reachable from the LAN.
    `      - ${q(`127.0.0.1:${spec.hostPort}:${spec.hostPort}`)}`,
    `    volumes:`,
    `      - ${q(`${volumeKey(spec)}:/var/lib/kafka/data`)}`,
    `    networks:`,
    `      - ${LAB_NETWORK}`,
    `      - ${EDGE_NETWORK}`,
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

/** The full text of compose/kafka.yml. */
export function renderKafkaCompose(): string {
  const specs = DOCKER_NODE_IDS.map((id) => nodeSpec(id));
  const hostPorts = DOCKER_NODE_IDS.map((id) => `127.0.0.1:${clientPort(id, DEFAULT_KAFKA_PORT)}`).join(", ");
  return [
    `# Offset's Kafka cluster: three combined broker+controller KRaft nodes (${KAFKA_IMAGE}).`,
    `# KAFKA_MODE=docker starts the same containers through the Docker API, and either adopts what the other started`,
    `# as long as the compose project keeps its default name, "${COMPOSE_PROJECT}" (so no -p or COMPOSE_PROJECT_NAME).`,
    `#   Start: docker compose -f compose/kafka.yml up -d    Stop: docker compose -f compose/kafka.yml down`,
    `#   Host clients:       ${hostPorts}`,
    `#   Lab containers:     ${labBrokers.join(", ")} (network ${LAB_NETWORK}, which has no route out)`,
    `# Generated from runner/src/cluster/docker-nodes.ts; edit that, then run: node runner/src/cluster/docker-compose-file.ts`,
    `services:`,
    ...specs.flatMap((spec, index) => (index === 0 ? service(spec) : ["", ...service(spec)])),
    ``,
    `networks:`,
    `  ${LAB_NETWORK}:`,
    `    name: ${LAB_NETWORK}`,
    `    internal: true`,
    `  ${EDGE_NETWORK}:`,
    `    name: ${EDGE_NETWORK}`,
    ``,
    `volumes:`,
    ...specs.flatMap((spec) => [`  ${volumeKey(spec)}:`, `    name: ${spec.volume}`]),
    ``,
  ].join("\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(path.dirname(kafkaComposePath), { recursive: true });
  fs.writeFileSync(kafkaComposePath, renderKafkaCompose());
  console.log(`Wrote ${path.relative(process.cwd(), kafkaComposePath)}`);
}
