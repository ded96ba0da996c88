import net from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { PLUGIN_VOLUME } from "../cluster/docker-nodes.ts";
import { FakeDocker, type FakeBehaviour } from "../cluster/fake-docker.ts";
import { DockerService, DockerZkKafka, dockerRabbitMq, type DockerServiceOptions } from "./docker.ts";
import {
  GATE_IMAGE,
  RABBITMQ_IMAGE,
  ZK_KAFKA_IMAGE,
  ZOOKEEPER_IMAGE,
  containersOf,
  insideAddresses,
  rabbitMqDescriptor,
  zkKafkaDescriptor,
} from "./docker-specs.ts";
import { servicePorts, type ServicePorts } from "./ports.ts";
import { ServiceError } from "./types.ts";

const MiB = 1024 * 1024;
let fake: FakeDocker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** A SERVICES_PORT base whose ports are all free: the fake engine listens on the published ones. */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const free = await Promise.all(
      Array.from(
        { length: 15 },
        (_, i) =>
          new Promise<boolean>((resolve) => {
            const server = net.createServer().once("error", () => resolve(false));
            server.listen(base + i, "127.0.0.1", () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
}

interface Setup {
  fake: FakeDocker;
  ports: ServicePorts;
  lines: string[];
  progress: (line: string) => void;
}

async function setup(behaviour: FakeBehaviour = { healthyAfterMs: 20 }, options: { pluginVolume?: boolean } = {}): Promise<Setup> {
  fake = await FakeDocker.start(behaviour);
  if (options.pluginVolume !== false) fake.volumes.add(PLUGIN_VOLUME);
  const lines: string[] = [];
  return { fake, ports: servicePorts(await freeBase()), lines, progress: (line) => lines.push(line) };
}

const noSessions: DockerServiceOptions["sessionSetup"] = () => Promise.resolve({});

function zkKafka(s: Setup, options: Partial<DockerServiceOptions> & { classroom?: boolean } = {}): DockerService {
  const { classroom = false, ...rest } = options;
  return new DockerService(zkKafkaDescriptor({ ports: s.ports, classroom }), {
    docker: s.fake.docker,
    sessionSetup: noSessions,
    readyTimeoutMs: 5000,
    pollMs: 20,
    ...rest,
  });
}

const createOf = (fake: FakeDocker, name: string) =>
  fake.calls("POST", /^\/containers\/create$/).find((r) => r.query.get("name") === name)?.body as Docker.ContainerCreateOptions;

describe("DockerService (zk-kafka)", () => {
  it("pulls its images, then starts ZooKeeper, the gate and three brokers with their names, labels and limits", async () => {
    const s = await setup();
    const service = zkKafka(s);
    await service.start(s.progress);
    expect([...s.fake.images].sort()).toEqual([GATE_IMAGE, ZK_KAFKA_IMAGE, ZOOKEEPER_IMAGE].sort());
    expect(s.lines).toContain(`Pulling ${ZK_KAFKA_IMAGE} (first start only)…`);
    const names = [
      "offset-svc-zookeeper",
      "offset-svc-zookeeper-gate",
      "offset-svc-zk-broker-1",
      "offset-svc-zk-broker-2",
      "offset-svc-zk-broker-3",
    ];
    for (const name of names) expect(s.fake.find(name)?.running, name).toBe(true);
    const broker = createOf(s.fake, "offset-svc-zk-broker-2");
    expect(broker.Image).toBe(ZK_KAFKA_IMAGE);
    expect(broker.Hostname).toBe("zk-broker-2");
    expect(broker.Labels).toMatchObject({
      "com.docker.compose.project": "services",
      "com.docker.compose.service": "zk-broker-2",
      "offset.service": "zk-kafka",
    });
    expect(broker.Labels?.["offset.spec"]).toMatch(/^[0-9a-f]{12}$/);
    expect(broker.HostConfig).toMatchObject({
      Memory: 448 * MiB,
      MemorySwap: 448 * MiB,
      NetworkMode: "offset-svc-zk-kafka-edge",
      Binds: ["offset-svc-zk-broker-2-data:/var/lib/kafka/data", `${PLUGIN_VOLUME}:/mnt/shared/config:ro`],
      PortBindings: {
        [`${s.ports.zkBrokers[1]}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(s.ports.zkBrokers[1]) }],
        [`${s.ports.zkLearner[1]}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(s.ports.zkLearner[1]) }],
      },
    });
    expect(broker.Cmd).toContain(
      `listeners=INTERNAL://:9092,EXTERNAL://zk-broker-2-edge:${s.ports.zkBrokers[1]},LEARNER://:${s.ports.zkLearner[1]},LEARNER_LAB://:9094`,
    );
    expect(broker.Env).toContain("CLASSPATH=/mnt/shared/config/offset-kafka-plugin.jar");
    const zookeeper = createOf(s.fake, "offset-svc-zookeeper");
    expect(zookeeper.Env).toContain("ZOO_ADMINSERVER_ENABLED=false");
    expect(zookeeper.HostConfig?.PortBindings).toEqual({ "2181/tcp": [{ HostIp: "127.0.0.1", HostPort: String(s.ports.zookeeper) }] });
    expect(service.memoryMb).toBe(192 + 64 + 3 * 448);
    expect(service.memoryMb).toBe(containersOf(service.descriptor).reduce((sum, c) => sum + c.memoryMb, 0));
    expect(service.ports).toEqual([
      s.ports.zookeeper,
      s.ports.zkBrokers[0],
      s.ports.zkLearner[0],
      s.ports.zkBrokers[1],
      s.ports.zkLearner[1],
      s.ports.zkBrokers[2],
      s.ports.zkLearner[2],
    ]);
    expect(s.lines.at(-1)).toMatch(/^Kafka 3\.9 in ZooKeeper mode ready in Docker/);
  });

  it("puts ZooKeeper on the edge network alone and the gate and brokers on the runs' network too, under their names", async () => {
    const s = await setup();
    await zkKafka(s).start(s.progress);
    expect(s.fake.networks.get("offset-svc-zk-kafka")).toMatchObject({
      Internal: true,
      Labels: { "com.docker.compose.network": "offset-svc-zk-kafka" },
    });
    expect(s.fake.networks.get("offset-svc-zk-kafka-edge")).toMatchObject({ Internal: false });
    const zookeeper = s.fake.find("offset-svc-zookeeper")!;
    expect(zookeeper.networks).toEqual(new Set(["offset-svc-zk-kafka-edge"]));
    expect(zookeeper.aliases.get("offset-svc-zk-kafka-edge")).toEqual(["zookeeper-server"]);
    const gate = s.fake.find("offset-svc-zookeeper-gate")!;
    expect(gate.aliases).toEqual(
      new Map([
        ["offset-svc-zk-kafka-edge", ["zookeeper"]],
        ["offset-svc-zk-kafka", ["zookeeper"]],
      ]),
    );
    expect(gate.config.HostConfig).toMatchObject({ ReadonlyRootfs: true, CapDrop: ["ALL"], Memory: 64 * MiB });
    expect(gate.config.HostConfig?.PortBindings).toEqual({});
    expect(gate.config.Cmd?.slice(0, 4)).toEqual(["node", "--max-old-space-size=24", "--input-type=module-typescript", "-e"]);
    const broker = s.fake.find("offset-svc-zk-broker-3")!;
    expect(broker.aliases).toEqual(
      new Map([
        ["offset-svc-zk-kafka-edge", ["zk-broker-3", "zk-broker-3-edge"]],
        ["offset-svc-zk-kafka", ["zk-broker-3"]],
      ]),
    );
  });

  it("starts ZooKeeper first and the brokers once it is healthy", async () => {
    const s = await setup();
    await zkKafka(s).start(s.progress);
    const index = (pattern: RegExp) => s.fake.requests.findIndex((r) => r.method === "POST" && pattern.test(r.path));
    const zookeeperStarted = index(/^\/containers\/offset-svc-zookeeper\/start$/);
    const brokerCreated = s.fake.requests.findIndex(
      (r) => r.path === "/containers/create" && r.query.get("name") === "offset-svc-zk-broker-1",
    );
    expect(zookeeperStarted).toBeGreaterThanOrEqual(0);
    expect(brokerCreated).toBeGreaterThan(zookeeperStarted);
    expect(s.lines.findIndex((l) => l.startsWith("ZooKeeper ready"))).toBeLessThan(
      s.lines.findIndex((l) => l.startsWith("Starting Broker 1")),
    );
  });

  it("reports the containers' pids while they run and is ready; a dead container makes it not ready", async () => {
    const s = await setup();
    const service = zkKafka(s);
    expect(service.pids()).toEqual([]);
    await service.start(s.progress);
    expect(service.pids()).toHaveLength(5);
    expect(service.pids().every((pid) => pid > 0)).toBe(true);
    expect(await service.ready()).toBe(true);
    s.fake.exit(s.fake.find("offset-svc-zk-broker-1")!, 137);
    expect(await service.ready()).toBe(false);
    expect(service.pids()).toHaveLength(4);
  });

  it("is idempotent: a second start reuses the running containers", async () => {
    const s = await setup();
    const service = zkKafka(s);
    await service.start(s.progress);
    const ids = [...s.fake.containers.keys()];
    await service.start(s.progress);
    expect([...s.fake.containers.keys()]).toEqual(ids);
    expect(s.lines).toContain("Broker 2 is already running");
  });

  it("recreates a container whose settings changed (classroom mode binds the plaintext listeners to the edge network)", async () => {
    const s = await setup();
    await zkKafka(s).start(s.progress);
    const before = s.fake.find("offset-svc-zk-broker-1")!.id;
    await zkKafka(s, { classroom: true }).start(s.progress);
    const after = s.fake.find("offset-svc-zk-broker-1")!;
    expect(after.id).not.toBe(before);
    expect(after.config.Cmd).toContain(
      `listeners=INTERNAL://zk-broker-1-edge:9092,EXTERNAL://zk-broker-1-edge:${s.ports.zkBrokers[0]},LEARNER://:${s.ports.zkLearner[0]},LEARNER_LAB://:9094`,
    );
    expect(s.lines).toContain("Recreating Broker 1: its settings changed (data is kept)");
    // ZooKeeper's description does not depend on the mode.
    expect(s.lines).toContain("ZooKeeper is already running");
  });

  it("stop removes its containers and networks, keeps the data volumes, and reports no pids", async () => {
    const s = await setup();
    const service = zkKafka(s);
    await service.start(s.progress);
    await service.stop(s.progress);
    expect(s.fake.containers.size).toBe(0);
    expect(s.fake.networks.has("offset-svc-zk-kafka")).toBe(false);
    expect(s.fake.networks.has("offset-svc-zk-kafka-edge")).toBe(false);
    expect(s.fake.volumes.has("offset-svc-zk-broker-1-data")).toBe(true);
    expect(service.pids()).toEqual([]);
    expect(await service.ready()).toBe(false);
    // Brokers before ZooKeeper, each stopped cleanly within its grace time, anonymous volumes removed with it.
    const stops = s.fake.calls("POST", /\/stop$/);
    expect(stops).toHaveLength(5);
    expect(stops.at(-1)!.query.get("t")).toBe("20");
    expect(s.lines.findIndex((l) => l.startsWith("Stopping ZooKeeper ("))).toBeGreaterThan(
      s.lines.findIndex((l) => l.startsWith("Broker 3 removed")),
    );
    expect(s.fake.calls("DELETE", /^\/containers\//).every((r) => r.query.get("v") === "true")).toBe(true);
    await service.stop(s.progress);
  });

  it("refuses to start without the course cluster's plugin volume, and says how to get it", async () => {
    const s = await setup({ healthyAfterMs: 20 }, { pluginVolume: false });
    const error = await zkKafka(s)
      .start(s.progress)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toContain(`Docker volume ${PLUGIN_VOLUME}`);
    expect((error as Error).message).toContain("KAFKA_MODE=docker");
    expect(s.fake.containers.size).toBe(0);
  });

  it("names the container and its log when one exits while starting", async () => {
    const s = await setup({
      healthyAfterMs: 20,
      onStart: (container, io) => {
        if (container.name === "offset-svc-zk-broker-2") io.exit(1);
      },
    });
    const error = await zkKafka(s)
      .start(s.progress)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "Kafka 3.9 in ZooKeeper mode: Broker 2 exited while starting (exit code 1). Its log: docker logs offset-svc-zk-broker-2",
    );
  });

  it("waits for its probe, and gives up when the probe never passes", async () => {
    const s = await setup();
    let probes = 0;
    const service = zkKafka(s, { readyTimeoutMs: 1000, probe: () => Promise.resolve(++probes >= 3) });
    await service.start(s.progress);
    expect(probes).toBeGreaterThanOrEqual(3);
    const never = zkKafka(s, { readyTimeoutMs: 300, probe: () => Promise.resolve(false) });
    const error = await never.start(s.progress).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/did not answer on 127\.0\.0\.1:\d+.* in time\. Its logs: docker logs offset-svc-zookeeper/);
  });

  it("offers the local service's endpoints and hands the session's work to the caller's setup", async () => {
    const s = await setup();
    const calls: string[] = [];
    const service = zkKafka(s, {
      sessionSetup: (labSession, inside) => {
        calls.push(labSession);
        return Promise.resolve({ LAB_ZK_KAFKA_BROKERS: inside(`127.0.0.1:${s.ports.zkBrokers[0]}`) });
      },
    });
    expect(service.endpoints()).toEqual([
      ...s.ports.zkBrokers.map((port) => ({ address: `127.0.0.1:${port}` })),
      { address: `127.0.0.1:${s.ports.zookeeper}`, gate: "zookeeper-read-only" },
    ]);
    expect(zkKafka(s, { classroom: true }).endpoints().slice(0, 3)).toEqual(
      s.ports.zkLearner.map((port) => ({ address: `127.0.0.1:${port}` })),
    );
    expect(await service.sessionEnv("s-1", (address) => `inside(${address})`)).toEqual({
      LAB_ZK_KAFKA_BROKERS: `inside(127.0.0.1:${s.ports.zkBrokers[0]})`,
    });
    expect(calls).toEqual(["s-1"]);
  });

  it("says how to get an engine when none answers", async () => {
    const service = new DockerService(zkKafkaDescriptor({ ports: servicePorts(32100), classroom: false }), {
      docker: new Docker({ socketPath: path.join(os.tmpdir(), "offset-no-docker.sock") }),
      sessionSetup: noSessions,
    });
    const error = await service.ensureInstalled(() => {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as Error).message).toMatch(/no Docker engine answers at .*offset-no-docker\.sock/);
    // Stopping what cannot be running succeeds quietly.
    await service.stop(() => {});
  });
});

describe("DockerZkKafka broker controls", () => {
  it("stops one broker's container (cleanly, or killed), keeps it, and starts it again", async () => {
    const s = await setup();
    // The fake engine runs no ZooKeeper, so the service is started without its probe.
    await zkKafka(s).start(s.progress);
    const zk = new DockerZkKafka({
      ports: s.ports,
      classroom: false,
      docker: s.fake.docker,
      sessionSetup: noSessions,
      readyTimeoutMs: 300,
      pollMs: 20,
    });
    await zk.stopBroker(2, s.progress);
    const broker = s.fake.find("offset-svc-zk-broker-2")!;
    expect(broker.running).toBe(false);
    expect(s.fake.calls("POST", /offset-svc-zk-broker-2\/stop$/)[0]?.query.get("t")).toBe("60");
    expect(s.lines.at(-1)).toMatch(/^Broker 2 stopped \(\d+\.\d s\)$/);
    await zk.stopBroker(2, s.progress);
    expect(s.lines.at(-1)).toBe("Broker 2 is already stopped");
    // Started again in the same container; the probe (ZooKeeper's registrations) cannot pass here.
    await expect(zk.startBroker(2, s.progress)).rejects.toThrow("Broker 2 runs, but the service did not answer in time");
    expect(s.fake.find("offset-svc-zk-broker-2")).toBe(broker);
    expect(broker.running).toBe(true);
    await zk.stopBroker(3, s.progress, { crash: true });
    expect(s.fake.calls("POST", /offset-svc-zk-broker-3\/kill$/)[0]?.query.get("signal")).toBe("SIGKILL");
    expect(s.lines.at(-1)).toMatch(/^Broker 3 killed/);
    await expect(zk.stopBroker(4)).rejects.toThrow("There is no broker 4");
  });
});

describe("DockerService (rabbitmq)", () => {
  it("runs one container with management, on loopback ports, with the runner's administrator login", async () => {
    const s = await setup();
    const service = dockerRabbitMq({
      ports: s.ports,
      adminPassword: () => "pw-1",
      docker: s.fake.docker,
      sessionSetup: noSessions,
      readyTimeoutMs: 5000,
      pollMs: 20,
    });
    // The probe asks the management API, which the fake engine does not run: the containers alone are checked here.
    const descriptor = service.descriptor;
    const plain = new DockerService(descriptor, { docker: s.fake.docker, sessionSetup: noSessions, readyTimeoutMs: 5000, pollMs: 20 });
    await plain.start(s.progress);
    const rabbit = s.fake.find("offset-svc-rabbitmq")!;
    expect(rabbit.config.Image).toBe(RABBITMQ_IMAGE);
    expect(rabbit.config.Hostname).toBe("rabbitmq");
    expect(rabbit.config.Env).toEqual(expect.arrayContaining(["RABBITMQ_DEFAULT_USER=offset-admin", "RABBITMQ_DEFAULT_PASS=pw-1"]));
    expect(rabbit.config.HostConfig).toMatchObject({
      Memory: 448 * MiB,
      NetworkMode: "offset-svc-rabbitmq-edge",
      PortBindings: {
        "5672/tcp": [{ HostIp: "127.0.0.1", HostPort: String(s.ports.amqp) }],
        "15672/tcp": [{ HostIp: "127.0.0.1", HostPort: String(s.ports.rabbitManagement) }],
      },
    });
    expect(rabbit.aliases).toEqual(
      new Map([
        ["offset-svc-rabbitmq-edge", ["rabbitmq"]],
        ["offset-svc-rabbitmq", ["rabbitmq"]],
      ]),
    );
    expect(service.memoryMb).toBe(448);
    expect(service.endpoints()).toEqual([{ address: `127.0.0.1:${s.ports.amqp}` }]);
    expect(await service.ready()).toBe(false); // no management API behind the fake's port
    await plain.stop(s.progress);
    expect(s.fake.containers.size).toBe(0);
  });

  it("a new administrator password makes a new container (its database starts empty)", () => {
    const ports = servicePorts(32100);
    const a = containersOf(rabbitMqDescriptor({ ports, adminPassword: "a" }))[0]!;
    const b = containersOf(rabbitMqDescriptor({ ports, adminPassword: "b" }))[0]!;
    expect(a.mounts).toEqual([]);
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(b));
  });
});

describe("insideAddresses", () => {
  it("maps each published address to the container and port runs use on the service's network", () => {
    const ports = servicePorts(32100);
    const inside = insideAddresses(ports);
    expect(inside["zk-kafka"]).toEqual({
      "127.0.0.1:32100": { address: "zookeeper:2181", gate: "zookeeper-read-only" },
      "127.0.0.1:32101": { address: "zk-broker-1:9092" },
      "127.0.0.1:32104": { address: "zk-broker-1:9094" },
      "127.0.0.1:32102": { address: "zk-broker-2:9092" },
      "127.0.0.1:32105": { address: "zk-broker-2:9094" },
      "127.0.0.1:32103": { address: "zk-broker-3:9092" },
      "127.0.0.1:32106": { address: "zk-broker-3:9094" },
    });
    expect(inside.rabbitmq).toEqual({
      "127.0.0.1:32110": { address: "rabbitmq:5672" },
      "127.0.0.1:32114": { address: "rabbitmq:15672" },
    });
  });
});
