import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { servicePorts } from "../ports.ts";
import { ZkKafkaService } from "./index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "zk-kafka-unit-"));
  dirs.push(dir);
  return dir;
}

function service(classroom: boolean, runDir = tempDir()): ZkKafkaService {
  return new ZkKafkaService({
    home: runDir,
    runDir,
    ports: servicePorts(26400),
    classroom,
    learnerSecret: () => "secret",
    pluginJar: () => Promise.reject(new Error("not needed")),
  });
}

const inside = (address: string) => address.replace("127.0.0.1", "10.0.0.1");

describe("ZkKafkaService", () => {
  it("names its ports, addresses and install line", () => {
    const zk = service(false);
    expect(zk.name).toBe("zk-kafka");
    expect(zk.title).toBe("Kafka 3.9 in ZooKeeper mode");
    expect(zk.install).toBe("Maven Central: org.apache.kafka:kafka_2.13:3.9.2 (ZooKeeper 3.8.4)");
    expect(zk.ports).toEqual([26400, 26401, 26402, 26403, 26404, 26405, 26406]);
    expect(zk.bootstrap).toEqual(["127.0.0.1:26401", "127.0.0.1:26402", "127.0.0.1:26403"]);
    expect(zk.zookeeperAddress).toBe("127.0.0.1:26400");
    expect(zk.memoryMb).toBeGreaterThan(300);
  });

  it("offers learners the SASL listener in classroom mode, the plaintext one otherwise, and ZooKeeper behind the read-only gate", () => {
    expect(service(true).endpoints()).toEqual([
      { address: "127.0.0.1:26404" },
      { address: "127.0.0.1:26405" },
      { address: "127.0.0.1:26406" },
      { address: "127.0.0.1:26400", gate: "zookeeper-read-only" },
    ]);
    expect(
      service(false)
        .endpoints()
        .map((e) => e.address),
    ).toEqual(["127.0.0.1:26401", "127.0.0.1:26402", "127.0.0.1:26403", "127.0.0.1:26400"]);
  });

  it("gives a single learner's runs the plaintext brokers and ZooKeeper, as the engine maps them", async () => {
    expect(await service(false).sessionEnv("", inside)).toEqual({
      LAB_ZK_KAFKA_BROKERS: "10.0.0.1:26401,10.0.0.1:26402,10.0.0.1:26403",
      LAB_ZOOKEEPER: "10.0.0.1:26400",
      LAB_ZK_CHROOT: "/kafka39",
    });
  });

  it("refuses a classroom run without a session", async () => {
    await expect(service(true).sessionEnv("", inside)).rejects.toThrow(/session/);
  });

  it("has no processes before a start, and knows only brokers 1 to 3", async () => {
    const zk = service(false);
    expect(zk.pids()).toEqual([]);
    expect(await zk.ready()).toBe(false);
    await expect(zk.stopBroker(4)).rejects.toThrow(/no broker 4/);
    await zk.stop(() => {});
  });

  it("budgets with the memory the last start measured", () => {
    const runDir = tempDir();
    const estimate = service(false, runDir).memoryMb;
    fs.writeFileSync(path.join(runDir, "memory-mb"), "612\n");
    expect(service(false, runDir).memoryMb).toBe(612);
    expect(estimate).not.toBe(612);
  });
});
