/**
 * The ZooKeeper-mode companion cluster for real: one ZooKeeper and three Kafka 3.9 JVMs from the cached jars, on
 * ports of their own (SERVICES_PORT base 26300, or OFFSET_TEST_ZK_KAFKA_PORT_BASE) with a throwaway run folder. It
 * covers a replicated round trip, the znodes as ZooKeeper's own Java client reads them, a controller election
 * after the controller stops, classroom isolation on the learner listener (enforced by the brokers' ACLs), and a
 * stop that leaves no process behind.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureJars } from "../../src/cluster/local/jars.ts";
import { ensurePlugin } from "../../src/cluster/local/plugin.ts";
import { canConnect } from "../../src/cluster/probe.ts";
import { servicePorts } from "../../src/services/ports.ts";
import { ZkKafkaService } from "../../src/services/zk-kafka/index.ts";
import { zkKafkaLibs } from "../../src/services/zk-kafka/jars.ts";
import { ZK_SESSION_TIMEOUT_MS } from "../../src/services/zk-kafka/properties.ts";
import { Sessions } from "../../src/session/index.ts";

const { Kafka, logLevel } = kafkajs;
const run = promisify(execFile);

// Not OFFSET_TEST_SERVICES_PORT: that is the course's own services' base, which runs beside this test.
const base = Number(process.env.OFFSET_TEST_ZK_KAFKA_PORT_BASE ?? 26300);
const home = process.env.OFFSET_HOME ?? path.join(os.homedir(), ".cache", "offset");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "offset-zk-kafka-"));
const runDir = path.join(root, "services", "zk-kafka");
const secret = crypto.randomBytes(16).toString("hex");
const sessions = new Sessions("classroom", secret);
const lines: string[] = [];
const log = (line: string) => lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);

let service: ZkKafkaService;
let startSeconds = 0;

/** ZooKeeper's own command-line client (from the same jars) runs one command and prints the answer. */
async function zkCli(...command: string[]): Promise<string> {
  const { stdout } = await run(
    "java",
    [
      "-Xmx64m",
      `-Dlog4j.configuration=file:${path.join(runDir, "conf", "log4j.properties")}`,
      "-cp",
      `${zkKafkaLibs(home)}/*`,
      "org.apache.zookeeper.ZooKeeperMain",
      "-server",
      service.zookeeperAddress,
      ...command,
    ],
    { timeout: 60_000 },
  );
  return stdout;
}

const brokerIds = async () => /\[([\d, ]*)\]/.exec(await zkCli("ls", "/kafka39/brokers/ids"))?.[1];
const controllerOf = async () =>
  (JSON.parse(/\{.*"brokerid".*\}/.exec(await zkCli("get", "/kafka39/controller"))![0]) as { brokerid: number }).brokerid;

function learnerClient(prefix: string, password = sessions.credentials(prefix).password) {
  return new Kafka({
    clientId: `it-${prefix}`,
    brokers: [...service.learnerBootstrap],
    logLevel: logLevel.NOTHING,
    sasl: { mechanism: "plain", username: prefix, password },
    retry: { retries: 2, initialRetryTime: 200 },
  });
}

interface KafkaJsFailure {
  type?: string;
  name?: string;
  message?: string;
  cause?: KafkaJsFailure;
  errors?: KafkaJsFailure[];
}

/** What a failed kafkajs call reports: its error type and message, and those of its cause or an aggregate's parts. */
function failure(error: unknown): string {
  const e = error as KafkaJsFailure;
  return [e.type, e.name, e.message, ...[e.cause, ...(e.errors ?? [])].map((x) => (x ? failure(x) : undefined))]
    .filter(Boolean)
    .join(" | ");
}

beforeAll(async () => {
  const ports = servicePorts(base);
  for (const port of [ports.zookeeper, ...ports.zkBrokers, ...ports.zkLearner]) {
    if (await canConnect(`127.0.0.1:${port}`)) throw new Error(`Port ${port} is taken; set OFFSET_TEST_ZK_KAFKA_PORT_BASE to a free base`);
  }
  const plugin = await ensurePlugin(await ensureJars(home, log));
  service = new ZkKafkaService({
    home,
    runDir,
    ports,
    classroom: true,
    learnerSecret: () => secret,
    pluginJar: () => Promise.resolve(plugin.jar),
  });
  await service.ensureInstalled(log);
  const started = Date.now();
  await service.start(log);
  startSeconds = (Date.now() - started) / 1000;
}, 600_000);

afterAll(async () => {
  await service?.stop(log);
  fs.rmSync(root, { recursive: true, force: true });
  console.log(lines.join("\n"));
}, 300_000);

describe("Kafka 3.9 in ZooKeeper mode", () => {
  it("starts one ZooKeeper and three brokers, and reports them ready with their memory", async () => {
    expect(await service.ready()).toBe(true);
    expect(service.pids()).toHaveLength(4);
    expect(service.memoryMb).toBeGreaterThan(200);
    expect(
      fs
        .readdirSync(runDir)
        .filter((f) => f.endsWith(".proc.json"))
        .sort(),
    ).toEqual(["broker-1.proc.json", "broker-2.proc.json", "broker-3.proc.json", "zookeeper.proc.json"]);
    log(`start took ${startSeconds.toFixed(1)} s; ${service.memoryMb} MiB`);
  });

  it("replicates a topic to all three brokers and round-trips records on the plaintext listener", async () => {
    const kafka = new Kafka({ clientId: "it-zk", brokers: [...service.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const topic = `it-zk-${crypto.randomBytes(3).toString("hex")}`;
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
      // In ZooKeeper mode the controller tells the brokers about a new topic one request at a time: the broker asked
      // for metadata may not know it yet.
      const partitionsKnown = async () => {
        const [found] = (await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => ({ topics: [] }))).topics;
        return found?.partitions.length === 3 ? found : undefined;
      };
      let meta = await partitionsKnown();
      for (const deadline = Date.now() + 20_000; !meta && Date.now() < deadline; meta = await partitionsKnown()) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(meta?.partitions).toHaveLength(3);
      for (const p of meta!.partitions) expect([...p.replicas].sort()).toEqual([1, 2, 3]);

      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, acks: -1, messages: ["one", "two", "three"].map((value, i) => ({ key: `k${i}`, value })) });
      await producer.disconnect();

      const consumer = kafka.consumer({ groupId: `${topic}-group` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const got: string[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${got.length} records arrived`)), 60_000);
        void consumer.run({
          eachMessage: ({ message }) => {
            got.push(String(message.value));
            if (got.length === 3) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        });
      });
      await consumer.disconnect();
      expect(got.sort()).toEqual(["one", "three", "two"]);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect();
    }
  }, 120_000);

  it("registers the brokers and a controller under /kafka39, as ZooKeeper's own client reads them", async () => {
    expect(await brokerIds()).toBe("1, 2, 3");
    const controller = await controllerOf();
    expect([1, 2, 3]).toContain(controller);
    expect(await service.controllerId()).toBe(controller);
  }, 120_000);

  it("elects a new controller within seconds when the controller stops, and takes the broker back", async () => {
    const old = await controllerOf();
    const stopped = Date.now();
    await service.stopBroker(old, log);
    let next: number | undefined;
    while (Date.now() - stopped < 30_000) {
      next = await service.controllerId().catch(() => undefined);
      if (next !== undefined && next !== old) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elected = (Date.now() - stopped) / 1000;
    log(`controller ${old} stopped; broker ${next} is controller after ${elected.toFixed(1)} s`);
    expect(next).toBeDefined();
    expect(next).not.toBe(old);
    expect(await controllerOf()).toBe(next);
    expect(await brokerIds()).toBe([1, 2, 3].filter((id) => id !== old).join(", "));
    expect(await service.ready()).toBe(false);

    await service.startBroker(old, log);
    expect(await brokerIds()).toBe("1, 2, 3");
    expect(await service.ready()).toBe(true);
  }, 300_000);

  it("replaces a killed controller once its ZooKeeper session expires, and takes the broker back", async () => {
    const old = await controllerOf();
    const killed = Date.now();
    await service.stopBroker(old, log, { crash: true });
    let next: number | undefined;
    while (Date.now() - killed < 60_000) {
      next = await service.controllerId().catch(() => undefined);
      if (next !== undefined && next !== old) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const elected = (Date.now() - killed) / 1000;
    log(`controller ${old} killed; broker ${next} is controller after ${elected.toFixed(1)} s`);
    expect(next).toBeDefined();
    expect(next).not.toBe(old);
    // The dead broker's session (and with it the controller znode) outlived it until the session timeout.
    expect(elected).toBeGreaterThan(ZK_SESSION_TIMEOUT_MS / 1000 / 2);
    expect(await brokerIds()).toBe([1, 2, 3].filter((id) => id !== old).join(", "));

    await service.startBroker(old, log);
    expect(await brokerIds()).toBe("1, 2, 3");
  }, 300_000);

  it("keeps classroom sessions apart on the learner listener: the brokers' ACLs deny another session's topic", async () => {
    const a = sessions.prefix("a11ce0000000a11c");
    const b = sessions.prefix("ba5e00000000ba5e");
    const env = await service.sessionEnv(a, (address) => address);
    expect(env).toEqual({
      LAB_ZK_KAFKA_BROKERS: service.learnerBootstrap.join(","),
      LAB_ZOOKEEPER: service.zookeeperAddress,
      LAB_ZK_CHROOT: "/kafka39",
    });
    await service.sessionEnv(b, (address) => address);

    const secretTopic = `${a}.diary`;
    const alice = learnerClient(a);
    const aliceAdmin = alice.admin();
    await aliceAdmin.connect();
    await aliceAdmin.createTopics({ topics: [{ topic: secretTopic, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    const producer = alice.producer();
    await producer.connect();
    await producer.send({ topic: secretTopic, acks: -1, messages: [{ value: "alice's secret" }] });
    await producer.disconnect();
    expect(await aliceAdmin.listTopics()).toContain(secretTopic);
    await aliceAdmin.disconnect();

    const mallory = learnerClient(b);
    const admin = mallory.admin();
    await admin.connect();
    try {
      expect(await admin.listTopics()).not.toContain(secretTopic);
      const described = await admin.fetchTopicMetadata({ topics: [secretTopic] }).then(
        () => "described",
        (error: unknown) => failure(error),
      );
      expect(described).toMatch(/TOPIC_AUTHORIZATION_FAILED/);

      const outside = await admin.createTopics({ topics: [{ topic: "not-my-prefix", numPartitions: 1 }] }).then(
        () => "created",
        (error: unknown) => failure(error),
      );
      expect(outside).toMatch(/AUTHORIZATION_FAILED/);
      // Its own prefix is allowed: the refusal above is the ACL, not a broken login.
      expect(
        await admin.createTopics({ topics: [{ topic: `${b}.mine`, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true }),
      ).toBe(true);
    } finally {
      await admin.disconnect();
    }

    const consumer = mallory.consumer({ groupId: `${b}.snoop` });
    await consumer.connect();
    const read = await (async () => {
      try {
        await consumer.subscribe({ topic: secretTopic, fromBeginning: true });
        return await new Promise<string>((resolve) => {
          const timer = setTimeout(() => resolve("nothing"), 5000);
          consumer
            .run({
              eachMessage: ({ message }) => {
                clearTimeout(timer);
                resolve(String(message.value));
                return Promise.resolve();
              },
            })
            .catch((error: unknown) => resolve(failure(error)));
        });
      } catch (error) {
        return failure(error);
      }
    })();
    await consumer.disconnect().catch(() => {});
    expect(read).not.toBe("alice's secret");
    expect(read).toMatch(/AUTHORIZATION_FAILED|nothing/);

    const intruder = mallory.producer();
    await intruder.connect();
    const wrote = await intruder.send({ topic: secretTopic, messages: [{ value: "graffiti" }] }).then(
      () => "written",
      (error: unknown) => failure(error),
    );
    await intruder.disconnect();
    expect(wrote).toMatch(/AUTHORIZATION_FAILED|Not authorized/);

    // A's name with a password that is not A's HMAC does not log in at all.
    const forged = learnerClient(a, sessions.credentials(b).password).admin();
    const login = await forged.connect().then(
      () => "logged in",
      (error: unknown) => failure(error),
    );
    await forged.disconnect().catch(() => {});
    expect(login).toMatch(/SASL/);
  }, 180_000);

  it("stops brokers and ZooKeeper and leaves no process behind", async () => {
    const pids = service.pids();
    expect(pids).toHaveLength(4);
    const stopped = Date.now();
    await service.stop(log);
    log(`stop took ${((Date.now() - stopped) / 1000).toFixed(1)} s`);
    expect(service.pids()).toEqual([]);
    expect(await service.ready()).toBe(false);
    const alive = (pid: number) => {
      try {
        return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    expect(pids.filter(alive)).toEqual([]);
    const leftovers = fs
      .readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry) && alive(Number(entry)))
      .filter((pid) => {
        try {
          const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
          return path.basename(cmdline.split("\0")[0] ?? "") === "java" && cmdline.includes(runDir);
        } catch {
          return false;
        }
      });
    expect(leftovers).toEqual([]);
    expect(fs.readdirSync(runDir).filter((f) => f.endsWith(".proc.json"))).toEqual([]);
    expect(await canConnect(service.zookeeperAddress)).toBe(false);
  }, 180_000);
});
