import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kafkaComposePath, renderKafkaCompose } from "./docker-compose-file.ts";

const composeDir = path.dirname(kafkaComposePath);

/** `docker compose` (v2 plugin) where installed, else the standalone `docker-compose`; undefined when neither runs. */
function composeCommand(): string[] | undefined {
  for (const command of [["docker", "compose"], ["docker-compose"]]) {
    const probe = spawnSync(command[0]!, [...command.slice(1), "version"], { stdio: "ignore" });
    if (probe.status === 0) return command;
  }
  return undefined;
}

const compose = composeCommand();

function config(files: string[]): { status: number | null; stderr: string } {
  const args = [...compose!.slice(1), ...files.flatMap((f) => ["-f", f]), "config", "-q"];
  const result = spawnSync(compose![0]!, args, { encoding: "utf8" });
  return { status: result.status, stderr: result.stderr };
}

describe("compose/kafka.yml", () => {
  it("is the rendering of docker-nodes.ts (run `node runner/src/cluster/docker-compose-file.ts` after editing it)", () => {
    expect(fs.readFileSync(kafkaComposePath, "utf8")).toBe(renderKafkaCompose());
  });

  it("publishes each broker on loopback only, with the client port it advertises", () => {
    const text = renderKafkaCompose();
    for (const port of [19092, 19093, 19094]) {
      expect(text).toContain(`- "127.0.0.1:${port}:${port}"`);
      expect(text).toContain(`EXTERNAL://127.0.0.1:${port}`);
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
    // Only the stock image's classes: no login handler from runner/kafka, which the image does not have.
    expect(text).not.toMatch(/dev\.offset\.kafka|SASL/);
    expect(text).toMatch(/offset-lab:\n {4}name: offset-lab\n {4}internal: true/);
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
