import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { composeCommand, composeConfig } from "../cluster/compose-cli.ts";
import { configSchema } from "../config/index.ts";
import { COMPOSE_SERVICES_PORT, SERVICE_COMPOSE_FILES, renderServiceCompose, serviceComposePath } from "./docker-compose-file.ts";
import { GATE_IMAGE, RABBITMQ_IMAGE, ZK_KAFKA_IMAGE, ZOOKEEPER_IMAGE } from "./docker-specs.ts";

const compose = composeCommand();
const PASSWORD = { OFFSET_RABBITMQ_ADMIN_PASSWORD: "only-for-the-test" };

describe("compose/services/*.yml", () => {
  it.each(SERVICE_COMPOSE_FILES)(
    "%s.yml is the rendering of docker-specs.ts (run `node runner/src/services/docker-compose-file.ts`)",
    (name) => {
      expect(fs.readFileSync(serviceComposePath(name), "utf8")).toBe(renderServiceCompose(name));
    },
  );

  it("publishes the default SERVICES_PORT layout", () => {
    expect(COMPOSE_SERVICES_PORT).toBe(configSchema.shape.SERVICES_PORT.parse(undefined));
  });

  it("zk-kafka.yml: ZooKeeper with its admin server off, three brokers under the chroot, loopback ports, RF 3, min ISR 2", () => {
    const text = renderServiceCompose("zk-kafka");
    expect(text).toContain(`image: "${ZOOKEEPER_IMAGE}"`);
    expect(text).toContain(`image: "${GATE_IMAGE}"`);
    expect(text.split(`image: "${ZK_KAFKA_IMAGE}"`)).toHaveLength(4);
    expect(text).toContain('ZOO_ADMINSERVER_ENABLED: "false"');
    expect(text).toContain('- "127.0.0.1:32100:2181"');
    for (const id of [1, 2, 3]) {
      expect(text).toContain(`container_name: "offset-svc-zk-broker-${id}"`);
      expect(text).toContain(`- "broker.id=${id}"`);
      expect(text).toContain(`- "127.0.0.1:${32100 + id}:${32100 + id}"`);
      expect(text).toContain(`- "127.0.0.1:${32103 + id}:${32103 + id}"`);
      expect(text).toContain(`LEARNER_LAB://zk-broker-${id}:9094`);
      expect(text).toContain(`- "svc-zk-broker-${id}-data:/var/lib/kafka/data"`);
    }
    for (const setting of [
      "zookeeper.connect=zookeeper-server:2181/kafka39",
      "default.replication.factor=3",
      "min.insync.replicas=2",
      "authorizer.class.name=kafka.security.authorizer.AclAuthorizer",
      "listener.name.learner_lab.plain.sasl.server.callback.handler.class=dev.offset.kafka.SessionPlainCallbackHandler",
      "listener.security.protocol.map=INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,LEARNER:SASL_PLAINTEXT,LEARNER_LAB:SASL_PLAINTEXT",
    ]) {
      expect(text.split(`- "${setting}"`), setting).toHaveLength(4);
    }
    // The plugin volume of the course cluster, read-only, as in compose/kafka.yml.
    expect(text.split('- "kafka-plugin:/mnt/shared/config:ro"')).toHaveLength(4);
    expect(text).toMatch(/kafka-plugin:\n {4}name: offset-kafka-plugin\n {4}external: true/);
    expect(text).toMatch(/offset-svc-zk-kafka:\n {4}name: offset-svc-zk-kafka\n {4}internal: true/);
    // No published port on another interface, no secret in the file.
    expect(text).not.toMatch(/- "(0\.0\.0\.0:)?\d+:\d+"/);
    expect(text).not.toMatch(/secret="/);
  });

  it("zk-kafka.yml: ZooKeeper is on the edge network alone; the gate is runs' `zookeeper`", () => {
    const text = renderServiceCompose("zk-kafka");
    const zookeeper = text.slice(text.indexOf("  zookeeper-server:"), text.indexOf("\n\n", text.indexOf("  zookeeper-server:")));
    expect(zookeeper).toContain("    networks:\n      offset-svc-zk-kafka-edge: {}\n    mem_limit");
    const gate = text.slice(text.indexOf("  zookeeper:\n"), text.indexOf("\n\n", text.indexOf("  zookeeper:\n")));
    expect(gate).toContain("offset-svc-zk-kafka: {}");
    expect(gate).toContain('read_only: true\n    cap_drop: ["ALL"]');
    expect(gate).toContain("ZooKeeperReadOnlyGate");
  });

  it("rabbitmq.yml: management inside the network, ports on loopback only, the password from the environment", () => {
    const text = renderServiceCompose("rabbitmq");
    expect(text).toContain(`image: "${RABBITMQ_IMAGE}"`);
    expect(text).toContain('- "127.0.0.1:32110:5672"');
    expect(text).toContain('- "127.0.0.1:32114:15672"');
    expect(text).toContain('mem_limit: "448m"');
    expect(text).toContain('RABBITMQ_DEFAULT_PASS: "${OFFSET_RABBITMQ_ADMIN_PASSWORD:?');
    expect(text).toContain("[rabbitmq_stream,rabbitmq_management].");
    expect(text).toMatch(/offset-svc-rabbitmq:\n {4}name: offset-svc-rabbitmq\n {4}internal: true/);
  });
});

describe(`docker compose config on compose/services (${compose?.join(" ") ?? "no compose CLI installed"})`, () => {
  it("has a compose CLI to validate with (apt-get install --no-install-recommends docker-compose, or the compose plugin)", () => {
    expect(compose, "Neither `docker compose` nor `docker-compose` runs here; .ci/run installs one.").toBeDefined();
  });

  it.each(SERVICE_COMPOSE_FILES)("accepts %s.yml", { timeout: 60_000 }, (name) => {
    const result = composeConfig(compose!, [serviceComposePath(name)], PASSWORD);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("refuses rabbitmq.yml without the administrator password", { timeout: 60_000 }, () => {
    const result = composeConfig(compose!, [serviceComposePath("rabbitmq")], { OFFSET_RABBITMQ_ADMIN_PASSWORD: "" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("OFFSET_RABBITMQ_ADMIN_PASSWORD");
  });

  it("rejects a broken file, so a pass above means something", { timeout: 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-compose-"));
    try {
      const broken = path.join(dir, "broken.yml");
      fs.writeFileSync(broken, renderServiceCompose("zk-kafka").replace("    mem_limit:", "    mem_limit: [1]\n    nonsense:"));
      expect(composeConfig(compose!, [broken]).status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
