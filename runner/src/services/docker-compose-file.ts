/**
 * Renders compose/services/zk-kafka.yml and compose/services/rabbitmq.yml from the descriptions in docker-specs.ts.
 * A test keeps the committed files in step; after editing docker-specs.ts, the local services' settings it takes
 * (zk-kafka/properties.ts, rabbitmq/config.ts) or the ZooKeeper gate (zookeeper-gate.ts, docker-gate.ts), run
 * `node runner/src/services/docker-compose-file.ts` to rewrite them.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PLUGIN_VOLUME } from "../cluster/docker-nodes.ts";
import { configSchema } from "../config/index.ts";
import {
  RABBITMQ_PASSWORD_VARIABLE,
  SERVICES_COMPOSE_PROJECT,
  containerSpecHash,
  containersOf,
  rabbitMqDescriptor,
  zkKafkaDescriptor,
  type ContainerSpec,
  type ServiceDescriptor,
  type VolumeMount,
} from "./docker-specs.ts";
import { servicePorts } from "./ports.ts";
import type { ServiceName } from "./types.ts";

const composeDir = path.resolve(import.meta.dirname, "../../../compose/services");
export const serviceComposePath = (name: ServiceName): string => path.join(composeDir, `${name}.yml`);

/** SERVICES_PORT's default: the compose files publish the ports a runner with default settings uses. */
export const COMPOSE_SERVICES_PORT = configSchema.shape.SERVICES_PORT.parse(undefined);

// JSON strings are valid YAML double-quoted scalars, so quoting needs no YAML library. Compose reads `$` as the
// start of a variable everywhere, so a literal one is written `$$`.
const q = (value: string): string => JSON.stringify(value.replaceAll("$", () => "$$"));

/** Compose's key of a named volume: its name without the "offset-" every name starts with. */
const volumeKey = (volume: string): string => volume.replace(/^offset-/, "");
const mountLine = (m: VolumeMount): string => `      - ${q(`${volumeKey(m.volume)}:${m.target}${m.readOnly ? ":ro" : ""}`)}`;

/** The password compose asks for: a secret is never written in the file, and compose refuses to start without it. */
const COMPOSE_PASSWORD = `\${${RABBITMQ_PASSWORD_VARIABLE}:?set ${RABBITMQ_PASSWORD_VARIABLE} to the administrator password the runner uses}`;

/** The services as compose starts them: default ports, single mode. */
export function composeDescriptor(name: ServiceName): ServiceDescriptor {
  const ports = servicePorts(COMPOSE_SERVICES_PORT);
  return name === "zk-kafka"
    ? zkKafkaDescriptor({ ports, classroom: false })
    : rabbitMqDescriptor({ ports, adminPassword: COMPOSE_PASSWORD });
}

function service(spec: ContainerSpec, dependsOn: ContainerSpec[], owner: ServiceName): string[] {
  const h = spec.healthcheck;
  const networks = Object.entries(spec.networks).flatMap(([network, aliases]) => {
    // Compose gives every network the service name; only the others are listed.
    const extra = aliases.filter((alias) => alias !== spec.service);
    return extra.length ? [`      ${network}:`, `        aliases: [${extra.map(q).join(", ")}]`] : [`      ${network}: {}`];
  });
  const env = Object.entries(spec.env).map(([key, value]) =>
    // The variable reference stays as it is, unescaped: compose fills it in from the environment.
    spec.secretEnv?.[key] ? `      ${key}: ${JSON.stringify(value)}` : `      ${key}: ${q(value)}`,
  );
  return [
    `  ${spec.service}:`,
    `    image: ${q(spec.image)}`,
    `    container_name: ${q(spec.name)}`,
    `    hostname: ${q(spec.service)}`,
    ...(dependsOn.length
      ? [
          `    depends_on:`,
          ...dependsOn.flatMap((d) => [
            `      ${d.service}:`,
            `        condition: ${d.healthcheck ? "service_healthy" : "service_started"}`,
          ]),
        ]
      : []),
    ...(spec.command ? [`    command:`, ...spec.command.map((arg) => `      - ${q(arg)}`)] : []),
    ...(env.length ? [`    environment:`, ...env] : []),
    ...(spec.user ? [`    user: ${q(spec.user)}`] : []),
    ...(spec.lockedDown ? [`    read_only: true`, `    cap_drop: ["ALL"]`, `    security_opt: ["no-new-privileges:true"]`] : []),
    // Loopback only: the runner's listeners have no authentication, or one the runner alone holds.
    ...(spec.published.length ? [`    ports:`, ...spec.published.map((p) => `      - ${q(`127.0.0.1:${p.host}:${p.container}`)}`)] : []),
    ...(spec.mounts.length ? [`    volumes:`, ...spec.mounts.map(mountLine)] : []),
    `    networks:`,
    ...networks,
    `    mem_limit: ${q(`${spec.memoryMb}m`)}`,
    `    stop_grace_period: ${spec.stopGraceS}s`,
    ...(h
      ? [
          `    healthcheck:`,
          `      test: [${h.test.map(q).join(", ")}]`,
          `      interval: ${h.intervalS}s`,
          `      timeout: ${h.timeoutS}s`,
          `      retries: ${h.retries}`,
          `      start_period: ${h.startPeriodS}s`,
        ]
      : []),
    `    labels:`,
    `      offset.service: ${q(owner)}`,
    `      offset.spec: ${q(containerSpecHash(spec))}`,
  ];
}

const GENERATED = `# Generated from runner/src/services/docker-specs.ts; edit that, then run: node runner/src/services/docker-compose-file.ts`;

function header(descriptor: ServiceDescriptor): string[] {
  const file = path.relative(path.resolve(composeDir, "../.."), serviceComposePath(descriptor.name));
  const images = [...new Set(containersOf(descriptor).map((c) => c.image))].join(", ");
  const inside = Object.values(descriptor.inside)
    .map((i) => i.address)
    .join(", ");
  const lines = [
    `# Offset's companion service "${descriptor.name}": ${descriptor.title} (${images}).`,
    `# The runner starts the same containers through the Docker API when a lesson needs them (KAFKA_MODE=docker), and`,
    `# either adopts what the other started as long as the compose project keeps its default name, "${SERVICES_COMPOSE_PROJECT}".`,
  ];
  if (descriptor.name === "zk-kafka") {
    lines.push(
      `# The brokers mount volume ${PLUGIN_VOLUME} (the course's login check and learner secret), which compose/kafka.yml creates:`,
      `#   Start: docker compose -f compose/kafka.yml up -d --build && docker compose -f ${file} up -d`,
    );
  } else {
    lines.push(
      `# Compose asks for the runner's administrator password (management API), which no file holds:`,
      `#   Start: ${RABBITMQ_PASSWORD_VARIABLE}=… docker compose -f ${file} up -d`,
    );
  }
  lines.push(
    `#   Stop:  docker compose -f ${file} down`,
    `#   Runner (host): ${descriptor.readyAddresses.join(", ")} (SERVICES_PORT's default ports)`,
    `#   Runs:          ${inside}, on network ${descriptor.networks.find((n) => n.internal)?.name} (no route out),`,
    `#                  which a run joins only when its lesson needs the service`,
  );
  if (descriptor.name === "zk-kafka") {
    lines.push(
      `# Runs reach ZooKeeper through "zookeeper", a gate that passes reads only; ZooKeeper itself is on the edge network.`,
      `# Single mode's listeners: for a class, the runner binds the plaintext ones to the edge network (COURSE_MODE=classroom).`,
    );
  }
  return [...lines, GENERATED];
}

/** The full text of compose/services/<name>.yml. */
export function renderServiceCompose(name: ServiceName): string {
  const descriptor = composeDescriptor(name);
  const services = descriptor.stages.flatMap((stage, index) =>
    stage.flatMap((spec) => ["", ...service(spec, index > 0 ? descriptor.stages[index - 1]! : [], descriptor.name)]),
  );
  const external = new Set(descriptor.externalVolumes.map((v) => v.name));
  const volumes = [...new Set(containersOf(descriptor).flatMap((c) => c.mounts.map((m) => m.volume)))];
  return [
    ...header(descriptor),
    `services:`,
    ...services.slice(1),
    ``,
    `networks:`,
    ...descriptor.networks.flatMap((n) => [`  ${n.name}:`, `    name: ${n.name}`, ...(n.internal ? [`    internal: true`] : [])]),
    ...(volumes.length
      ? [
          ``,
          `volumes:`,
          ...volumes.flatMap((volume) => [
            `  ${volumeKey(volume)}:`,
            `    name: ${volume}`,
            ...(external.has(volume) ? [`    external: true`] : []),
          ]),
        ]
      : []),
    ``,
  ].join("\n");
}

export const SERVICE_COMPOSE_FILES: readonly ServiceName[] = ["zk-kafka", "rabbitmq"];

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(composeDir, { recursive: true });
  for (const name of SERVICE_COMPOSE_FILES) {
    fs.writeFileSync(serviceComposePath(name), renderServiceCompose(name));
    console.log(`Wrote ${path.relative(process.cwd(), serviceComposePath(name))}`);
  }
}
