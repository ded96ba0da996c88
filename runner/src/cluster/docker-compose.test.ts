import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { composeCommand, composeConfig } from "./compose-cli.ts";
import { classroomComposePath, kafkaComposePath, renderClassroomCompose, renderKafkaCompose } from "./docker-compose-file.ts";
import { KAFKA_IMAGE, PLUGIN_DOCKERFILE } from "./docker-nodes.ts";

const composeDir = path.dirname(kafkaComposePath);

const compose = composeCommand();

const config = (files: string[]) => composeConfig(compose!, files);

describe("compose/kafka.yml", () => {
  it("is the rendering of docker-nodes.ts (run `node runner/src/cluster/docker-compose-file.ts` after editing it)", () => {
    expect(fs.readFileSync(kafkaComposePath, "utf8")).toBe(renderKafkaCompose());
  });

  it("publishes each broker on loopback only, with the client and learner ports it advertises", () => {
    const text = renderKafkaCompose();
    for (const port of [19092, 19093, 19094, 19292, 19293, 19294]) {
      expect(text).toContain(`- "127.0.0.1:${port}:${port}"`);
      expect(text).toMatch(new RegExp(`(EXTERNAL|LEARNER)://127\\.0\\.0\\.1:${port}`));
    }
    expect(text).toContain('image: "apache/kafka:4.3.1"');
    for (const setting of [
      'KAFKA_DEFAULT_REPLICATION_FACTOR: "3"',
      'KAFKA_MIN_INSYNC_REPLICAS: "2"',
      'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: "3"',
      'KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: "3"',
      'KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: "0"',
    ]) {
      expect(text.split(setting)).toHaveLength(4);
    }
    expect(text).toMatch(/offset-lab:\n {4}name: offset-lab\n {4}internal: true/);
  });

  it("gives each broker the learner listeners, the authorizer, the topic policy and the plugin volume", () => {
    const text = renderKafkaCompose();
    for (const setting of [
      'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,LEARNER:SASL_PLAINTEXT,LEARNER_LAB:SASL_PLAINTEXT"',
      'KAFKA_LISTENER_NAME_LEARNER_SASL_ENABLED_MECHANISMS: "PLAIN"',
      'KAFKA_LISTENER_NAME_LEARNER__LAB_SASL_ENABLED_MECHANISMS: "PLAIN"',
      'KAFKA_LISTENER_NAME_LEARNER_PLAIN_SASL_SERVER_CALLBACK_HANDLER_CLASS: "dev.offset.kafka.SessionPlainCallbackHandler"',
      'KAFKA_LISTENER_NAME_LEARNER__LAB_PLAIN_SASL_SERVER_CALLBACK_HANDLER_CLASS: "dev.offset.kafka.SessionPlainCallbackHandler"',
      'KAFKA_AUTHORIZER_CLASS_NAME: "org.apache.kafka.metadata.authorizer.StandardAuthorizer"',
      'KAFKA_SUPER_USERS: "User:ANONYMOUS"',
      'KAFKA_CREATE_TOPIC_POLICY_CLASS_NAME: "dev.offset.kafka.CoursePolicy"',
      'KAFKA_ALTER_CONFIG_POLICY_CLASS_NAME: "dev.offset.kafka.CoursePolicy"',
      // Single mode's limits (runner/src/config LIMIT_DEFAULTS), counted through the nodes' in-network names.
      'KAFKA_OFFSET_POLICY_TOPIC_PARTITIONS_MAX: "64"',
      'KAFKA_OFFSET_POLICY_BOOTSTRAP: "kafka-1:9092,kafka-2:9092,kafka-3:9092"',
      'CLASSPATH: "/mnt/shared/config/offset-kafka-plugin.jar"',
      '- "kafka-plugin:/mnt/shared/config:ro"',
      "kafka-plugin:\n        condition: service_completed_successfully",
    ]) {
      expect(text.split(setting), setting).toHaveLength(4);
    }
    for (const id of [1, 2, 3]) {
      expect(text).toContain(`LEARNER://:1929${id + 1},LEARNER_LAB://:9094"`);
      expect(text).toContain(`LEARNER://127.0.0.1:1929${id + 1},LEARNER_LAB://kafka-${id}:9094"`);
      expect(text).toContain(`offset-edge:\n        aliases: ["kafka-${id}-edge"]`);
    }
    // No secret in the file: the plugin service creates it in the volume.
    expect(text).not.toMatch(/secret="[0-9a-f]/);
    expect(text).toMatch(/kafka-plugin:\n {4}name: offset-kafka-plugin/);
  });

  it("builds the plugin from compose/kafka-plugin.Dockerfile on the image the brokers run", () => {
    const text = renderKafkaCompose();
    expect(text).toContain(
      `  kafka-plugin:\n    image: "offset-kafka-plugin:latest"\n    build:\n      context: ".."\n      dockerfile: "${PLUGIN_DOCKERFILE}"`,
    );
    // Compose would read a lone $ in the install script as a variable.
    expect(text).toContain("secret=$$(cat /mnt/shared/config/learner-secret)");
    const dockerfile = fs.readFileSync(path.join(composeDir, "..", PLUGIN_DOCKERFILE), "utf8");
    expect(dockerfile).toContain(`ARG KAFKA_IMAGE=${KAFKA_IMAGE}\n`);
    expect(dockerfile).toMatch(/^FROM kafka$/m);
    expect(fs.readFileSync(path.join(composeDir, "..", `${PLUGIN_DOCKERFILE}.dockerignore`), "utf8")).toContain("!runner/kafka/plugin");
  });
});

describe("compose/classroom.yml", () => {
  it("is the rendering of docker-nodes.ts (run `node runner/src/cluster/docker-compose-file.ts` after editing it)", () => {
    expect(fs.readFileSync(classroomComposePath, "utf8")).toBe(renderClassroomCompose());
  });

  it("binds the PLAINTEXT listeners to the edge network, sets classroom limits, and gives the course the learner listener", () => {
    const text = renderClassroomCompose();
    expect(text).toContain(
      'KAFKA_LISTENERS: "INTERNAL://kafka-2-edge:9092,EXTERNAL://kafka-2-edge:19093,CONTROLLER://kafka-2-edge:9093,LEARNER://:19293,LEARNER_LAB://:9094"',
    );
    expect(text.split('KAFKA_OFFSET_POLICY_TOPIC_PARTITIONS_MAX: "12"')).toHaveLength(4);
    expect(text.split('KAFKA_OFFSET_POLICY_BOOTSTRAP: "kafka-1-edge:9092,kafka-2-edge:9092,kafka-3-edge:9092"')).toHaveLength(4);
    expect(text).toContain('COURSE_MODE: "classroom"');
    expect(text).toContain('KAFKA_BROKERS: "kafka-1-edge:9092,kafka-2-edge:9092,kafka-3-edge:9092"');
    expect(text).toContain('KAFKA_LEARNER_BROKERS: "kafka-1:9094,kafka-2:9094,kafka-3:9094"');
    expect(text).toContain('KAFKA_LEARNER_SECRET_FILE: "/run/offset-kafka/learner-secret"');
    expect(text).toContain('- "kafka-plugin:/run/offset-kafka:ro"');
  });
});

describe(`docker compose config (${compose?.join(" ") ?? "no compose CLI installed"})`, () => {
  it("has a compose CLI to validate with (apt-get install --no-install-recommends docker-compose, or the compose plugin)", () => {
    expect(compose, "Neither `docker compose` nor `docker-compose` runs here; .ci/run installs one.").toBeDefined();
  });

  it("accepts kafka.yml alone", { timeout: 60_000 }, () => {
    const result = config([path.join(composeDir, "kafka.yml")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("accepts kafka.yml with offset.yml (the course in containers)", { timeout: 60_000 }, () => {
    const result = config([path.join(composeDir, "kafka.yml"), path.join(composeDir, "offset.yml")]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("accepts kafka.yml with offset.yml and classroom.yml (a class in containers)", { timeout: 60_000 }, () => {
    const result = config([path.join(composeDir, "kafka.yml"), path.join(composeDir, "offset.yml"), classroomComposePath]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("rejects a broken file, so a pass above means something", { timeout: 60_000 }, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-compose-"));
    try {
      const broken = path.join(dir, "broken.yml");
      fs.writeFileSync(broken, fs.readFileSync(kafkaComposePath, "utf8").replace("    healthcheck:", "    healthcheck: 42\n    nonsense:"));
      expect(config([broken]).status).not.toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
