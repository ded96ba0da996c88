import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { firstTarFile } from "./docker-api.ts";
import { DockerCluster, dockerAvailable, type DockerClusterOptions } from "./docker.ts";
import {
  CLUSTER_ID,
  KAFKA_IMAGE,
  PLUGIN_DOCKERFILE,
  PLUGIN_IMAGE,
  SECRET_FILE,
  envName,
  labBrokers,
  labBrokersFor,
  labLearnerBrokers,
  nodeSpec,
  pluginSpec,
} from "./docker-nodes.ts";
import { FakeDocker, type FakeBehaviour, type FakeContainer } from "./fake-docker.ts";
import type { TopicPolicyLimits } from "./local/properties.ts";
import { ClusterError } from "./types.ts";

let fake: FakeDocker | undefined;
const cleanup: string[] = [];
afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const dir of cleanup.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const SECRET = "0123456789abcdef0123456789abcdef0123456789abcdef";
const LIMITS: TopicPolicyLimits = {
  topicPartitions: 12,
  sessionPartitions: 160,
  replicationFactor: 3,
  retentionMs: 604_800_000,
  retentionBytes: 268_435_456,
  messageBytes: 1_048_588,
};

/** The install container as the real one behaves: it leaves the secret in the plugin volume and exits 0. */
const installs =
  (exitCode = 0): NonNullable<FakeBehaviour["onStart"]> =>
  (container, io) => {
    if (container.config.Image !== PLUGIN_IMAGE) return;
    if (exitCode === 0) container.files.set(SECRET_FILE, `${SECRET}\n`);
    io.exit(exitCode);
  };

/** Free loopback ports for three brokers and their learner listeners (the real cluster's must not be touched). */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const free = await Promise.all(
      [0, 1, 2, 200, 201, 202].map(
        (i) =>
          new Promise<boolean>((resolve) => {
            const server = net.createServer().once("error", () => resolve(false));
            server.listen(base + i, "127.0.0.1", () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
}

async function setup(
  healthyAfterMs = 50,
  options: Partial<DockerClusterOptions> = {},
): Promise<{ fake: FakeDocker; cluster: DockerCluster; lines: string[]; base: number }> {
  fake = await FakeDocker.start({ healthyAfterMs, onStart: installs() });
  const base = await freeBase();
  const cluster = new DockerCluster({ docker: fake.docker, port: base, readyTimeoutMs: 3000, pollMs: 20, ...options });
  return { fake, cluster, lines: [], base };
}

/** A copy of the plugin's build inputs, to change without touching the checkout. */
function pluginCheckout(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "offset-plugin-src-"));
  cleanup.push(root);
  const repo = path.resolve(import.meta.dirname, "../../..");
  for (const item of [PLUGIN_DOCKERFILE, "runner/kafka/plugin"])
    fs.cpSync(path.join(repo, item), path.join(root, item), { recursive: true });
  return root;
}

const env = (container: FakeContainer): Record<string, string> =>
  Object.fromEntries((container.config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));

/** The image's own rule (KafkaDockerWrapper.getServerConfigsFromEnv), to check what each variable becomes. */
const propertyOf = (variable: string): string =>
  variable.replaceAll("KAFKA_", "").toLowerCase().replaceAll("_", ".").replaceAll("...", "-").replaceAll("..", "_");

describe("dockerAvailable", () => {
  it("is true when the engine answers", async () => {
    fake = await FakeDocker.start();
    expect(await dockerAvailable(fake.docker)).toBe(true);
  });

  it("is false when no engine listens on the socket", async () => {
    expect(await dockerAvailable(new Docker({ socketPath: path.join(os.tmpdir(), "offset-no-such-docker.sock") }))).toBe(false);
  });

  it("is false, quickly, when the socket accepts but never answers", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-mute-"));
    const socketPath = path.join(dir, "docker.sock");
    const mute = net.createServer(() => {});
    await new Promise<void>((resolve) => mute.listen(socketPath, resolve));
    const started = Date.now();
    try {
      expect(await dockerAvailable(new Docker({ socketPath }))).toBe(false);
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      mute.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("DockerCluster", () => {
  it("pulls the image, creates networks and three nodes, and reports each node ready", async () => {
    const { fake, cluster, lines, base } = await setup();
    await cluster.up((line) => lines.push(line));

    expect(fake.images.has(KAFKA_IMAGE)).toBe(true);
    expect(fake.images.has(PLUGIN_IMAGE)).toBe(true);
    expect(lines[0]).toBe(`Pulling ${KAFKA_IMAGE} (first start only)…`);
    expect(lines).toContain(`Pulling ${KAFKA_IMAGE}: 3/3 layers`);
    // compose's own labels, so `docker compose -f compose/kafka.yml` adopts these instead of failing on the names.
    expect(fake.networks.get("offset-lab")).toMatchObject({ Internal: true, Labels: { "com.docker.compose.network": "offset-lab" } });
    expect(fake.networks.get("offset-edge")).toMatchObject({ Internal: false });
    for (const id of [1, 2, 3]) {
      const node = fake.find(`offset-kafka-${id}`)!;
      const port = String(base + id - 1);
      expect(node.config.Image).toBe(KAFKA_IMAGE);
      expect(node.config.Labels).toMatchObject({ "com.docker.compose.project": "compose", "com.docker.compose.service": `kafka-${id}` });
      expect(node.config.Env).toEqual(
        expect.arrayContaining([
          `KAFKA_NODE_ID=${id}`,
          `CLUSTER_ID=${CLUSTER_ID}`,
          "KAFKA_MIN_INSYNC_REPLICAS=2",
          `KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka-${id}:9092,EXTERNAL://127.0.0.1:${port},LEARNER://127.0.0.1:${base + 200 + id - 1},LEARNER_LAB://kafka-${id}:9094`,
        ]),
      );
      expect((node.config.HostConfig?.PortBindings as Record<string, unknown>)[`${port}/tcp`]).toEqual([
        { HostIp: "127.0.0.1", HostPort: port },
      ]);
      expect(node.config.HostConfig?.Binds).toEqual([
        `offset-kafka-${id}-data:/var/lib/kafka/data`,
        "offset-kafka-plugin:/mnt/shared/config:ro",
      ]);
      expect(node.networks).toEqual(new Set(["offset-edge", "offset-lab"]));
      expect(lines).toContain(`Starting broker ${id} (container offset-kafka-${id})…`);
      expect(lines.some((l) => l.startsWith(`Broker ${id} ready on 127.0.0.1:${port} (`))).toBe(true);
    }
    expect(lines.at(-1)).toMatch(/^Kafka cluster ready: /);
    expect((await cluster.status()).map((b) => b.up)).toEqual([true, true, true]);
  });

  it("waits for the health check, not just a running container", async () => {
    const { cluster, lines } = await setup(400);
    const started = Date.now();
    await cluster.up((line) => lines.push(line));
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });

  it("reuses running nodes on a second up", async () => {
    const { fake, cluster, lines } = await setup();
    await cluster.up();
    const creates = fake.calls("POST", /^\/containers\/create$/).length;
    await cluster.up((line) => lines.push(line));
    expect(fake.calls("POST", /^\/containers\/create$/)).toHaveLength(creates);
    expect(fake.calls("POST", /^\/images\/create$/)).toHaveLength(1);
    expect(lines).toContain("Broker 2 is already running");
  });

  it("stops one broker and starts it again", async () => {
    const { fake, cluster, lines } = await setup();
    await cluster.up();
    await cluster.stopBroker(2, (line) => lines.push(line));
    expect(fake.calls("POST", /^\/containers\/offset-kafka-2\/stop$/)[0]?.query.get("t")).toBe("20");
    expect((await cluster.status()).map((b) => b.up)).toEqual([true, false, true]);
    expect(lines).toEqual(["Stopping broker 2 (container offset-kafka-2)…", "Broker 2 stopped"]);

    await cluster.startBroker(2, (line) => lines.push(line));
    expect(fake.calls("POST", /^\/containers\/offset-kafka-2\/start$/)).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^Broker 2 ready on /);
    expect((await cluster.status()).map((b) => b.up)).toEqual([true, true, true]);
  });

  it("refuses a broker id the cluster does not have", async () => {
    const { cluster } = await setup();
    await expect(cluster.stopBroker(4)).rejects.toThrow(/There is no broker 4/);
  });

  it("recreates a node whose settings changed, keeping its data volume", async () => {
    const { fake, cluster, lines } = await setup();
    await cluster.up();
    fake.find("offset-kafka-1")!.config.Labels!["offset.spec"] = "stale";
    await cluster.up((line) => lines.push(line));
    expect(lines).toContain("Recreating broker 1: its settings changed (data is kept)");
    expect(fake.find("offset-kafka-1")!.config.Labels?.["offset.spec"]).not.toBe("stale");
  });

  it("says which broker died while starting and where its log is", async () => {
    const { fake, cluster } = await setup(60_000);
    const up = cluster.up();
    await new Promise((r) => setTimeout(r, 200));
    fake.exit(fake.find("offset-kafka-3")!, 1);
    await expect(up).rejects.toThrow("Broker 3 exited while starting (exit code 1). Its log: docker logs offset-kafka-3");
  });

  it("down stops and removes the containers but keeps the volumes", async () => {
    const { fake, cluster, lines } = await setup();
    await cluster.up();
    await cluster.down((line) => lines.push(line));
    // The nodes and the spent install container; the volumes (data, plugin and secret) stay.
    expect(fake.containers.size).toBe(0);
    expect(fake.calls("POST", /\/stop$/)).toHaveLength(3);
    expect(fake.calls("DELETE", /^\/volumes\//)).toHaveLength(0);
    expect(lines).toContain("Broker 1 removed");
    expect((await cluster.status()).map((b) => b.up)).toEqual([false, false, false]);
  });

  it("explains a failed pull", async () => {
    const { fake, cluster } = await setup();
    fake.behaviour.pullError = "toomanyrequests: rate limit";
    await expect(cluster.up()).rejects.toThrow(`Could not pull ${KAFKA_IMAGE}: toomanyrequests: rate limit`);
  });

  it("gives every node the learner listeners, the authorizer, the policy and the plugin", async () => {
    const { fake, cluster, base } = await setup(50, { limits: LIMITS });
    await cluster.up();
    for (const id of [1, 2, 3]) {
      const node = fake.find(`offset-kafka-${id}`)!;
      const client = base + id - 1;
      const learner = base + 200 + id - 1;
      expect(env(node)).toMatchObject({
        KAFKA_LISTENERS: `INTERNAL://:9092,EXTERNAL://:${client},CONTROLLER://:9093,LEARNER://:${learner},LEARNER_LAB://:9094`,
        KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka-${id}:9092,EXTERNAL://127.0.0.1:${client},LEARNER://127.0.0.1:${learner},LEARNER_LAB://kafka-${id}:9094`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP:
          "CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,EXTERNAL:PLAINTEXT,LEARNER:SASL_PLAINTEXT,LEARNER_LAB:SASL_PLAINTEXT",
        KAFKA_LISTENER_NAME_LEARNER_SASL_ENABLED_MECHANISMS: "PLAIN",
        KAFKA_LISTENER_NAME_LEARNER__LAB_SASL_ENABLED_MECHANISMS: "PLAIN",
        KAFKA_LISTENER_NAME_LEARNER_PLAIN_SASL_SERVER_CALLBACK_HANDLER_CLASS: "dev.offset.kafka.SessionPlainCallbackHandler",
        KAFKA_LISTENER_NAME_LEARNER__LAB_PLAIN_SASL_SERVER_CALLBACK_HANDLER_CLASS: "dev.offset.kafka.SessionPlainCallbackHandler",
        KAFKA_AUTHORIZER_CLASS_NAME: "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        KAFKA_SUPER_USERS: "User:ANONYMOUS",
        KAFKA_CREATE_TOPIC_POLICY_CLASS_NAME: "dev.offset.kafka.CoursePolicy",
        KAFKA_ALTER_CONFIG_POLICY_CLASS_NAME: "dev.offset.kafka.CoursePolicy",
        KAFKA_OFFSET_POLICY_TOPIC_PARTITIONS_MAX: "12",
        KAFKA_OFFSET_POLICY_SESSION_PARTITIONS_MAX: "160",
        KAFKA_OFFSET_POLICY_MESSAGE_BYTES_MAX: "1048588",
        KAFKA_OFFSET_POLICY_SESSION_PATTERN: "^(s-[0-9a-f]{12})[.]",
        // The policy counts partitions from inside the node, so through the nodes' names on the Docker networks.
        KAFKA_OFFSET_POLICY_BOOTSTRAP: "kafka-1:9092,kafka-2:9092,kafka-3:9092",
        CLASSPATH: "/mnt/shared/config/offset-kafka-plugin.jar",
      });
      // The secret is no environment variable (docker inspect would show it): the plugin volume's server.properties has it.
      expect(node.config.Env!.join("\n")).not.toMatch(/JAAS|secret=/i);
      const bindings = node.config.HostConfig?.PortBindings as Record<string, unknown>;
      expect(bindings[`${learner}/tcp`]).toEqual([{ HostIp: "127.0.0.1", HostPort: String(learner) }]);
      expect(Object.keys(node.config.ExposedPorts ?? {})).toEqual([`${client}/tcp`, `${learner}/tcp`]);
      expect(node.config.HostConfig?.Binds).toContain("offset-kafka-plugin:/mnt/shared/config:ro");
      expect(node.config.NetworkingConfig?.EndpointsConfig?.["offset-edge"]?.Aliases).toEqual([`kafka-${id}`, `kafka-${id}-edge`]);
      expect(node.config.Healthcheck?.Test).toEqual(["CMD", "bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9094"]);
    }
    const connects = fake.calls("POST", /^\/networks\/offset-lab\/connect$/).map((r) => r.body);
    expect(connects).toContainEqual({ Container: "offset-kafka-2", EndpointConfig: { Aliases: ["kafka-2"] } });
  });

  it("names every setting as the image expects: each variable becomes the property it stands for", () => {
    for (const isolateLab of [false, true]) {
      const spec = nodeSpec(2, { limits: LIMITS, isolateLab });
      for (const [variable] of Object.entries(spec.env).filter(([key]) => key.startsWith("KAFKA_") && key !== "KAFKA_HEAP_OPTS")) {
        expect(envName(propertyOf(variable))).toBe(variable);
      }
      expect(propertyOf("KAFKA_LISTENER_NAME_LEARNER__LAB_SASL_ENABLED_MECHANISMS")).toBe(
        "listener.name.learner_lab.sasl.enabled.mechanisms",
      );
      // The image's start script demands key stores for any "SSL://" and KAFKA_OPTS for any "SASL_" in these.
      expect(spec.env.KAFKA_ADVERTISED_LISTENERS).not.toMatch(/SSL:\/\/|SASL_/);
    }
  });

  it("builds the plugin image from the Dockerfile and the plugin's sources only, and installs it before the nodes", async () => {
    const { fake, cluster, lines } = await setup();
    await cluster.up((line) => lines.push(line));
    const [build] = fake.calls("POST", /^\/build$/);
    expect(build?.query.get("t")).toBe(PLUGIN_IMAGE);
    expect(build?.query.get("dockerfile")).toBe(PLUGIN_DOCKERFILE);
    expect(JSON.parse(build!.query.get("buildargs")!)).toEqual({ KAFKA_IMAGE });
    const context = zlib.gunzipSync(build!.raw).toString("latin1");
    expect(context).toContain(PLUGIN_DOCKERFILE);
    expect(context).toContain("runner/kafka/plugin/dev/offset/kafka/CoursePolicy.java");
    expect(context).toContain("runner/kafka/plugin/dev/offset/kafka/SessionPlainCallbackHandler.java");
    expect(context).not.toContain("package.json");

    const install = fake.find("offset-kafka-plugin")!;
    expect(install.config).toMatchObject({
      Image: PLUGIN_IMAGE,
      Cmd: pluginSpec().command,
      Labels: { "com.docker.compose.service": "kafka-plugin" },
      HostConfig: { Binds: ["offset-kafka-plugin:/mnt/shared/config"], NetworkMode: "none" },
    });
    expect(install.running).toBe(false);
    // Installed before any node was created: the nodes' storage format step already loads the policy class.
    const order = fake.requests.map((r) => `${r.method} ${r.path}?${r.query.get("name") ?? ""}`);
    expect(order.indexOf("POST /containers/create?offset-kafka-plugin")).toBeLessThan(
      order.indexOf("POST /containers/create?offset-kafka-1"),
    );
    expect(lines).toContain("Broker plugin and learner login secret installed");
  });

  it("exposes the learner listener: the published learner ports, and the secret kept in the plugin volume", async () => {
    const { cluster, base } = await setup();
    expect(cluster.learnerAccess.bootstrap).toEqual([200, 201, 202].map((i) => `127.0.0.1:${base + i}`));
    expect(() => cluster.learnerAccess.secret()).toThrow(ClusterError);
    await cluster.up();
    expect(cluster.learnerAccess.secret()).toBe(SECRET);
    expect(new DockerCluster({ reach: "lab" }).learnerAccess.bootstrap).toEqual(["kafka-1:9094", "kafka-2:9094", "kafka-3:9094"]);
  });

  it("installs no topic policy without limits, as the local cluster", async () => {
    const { fake, cluster } = await setup();
    await cluster.up();
    expect(Object.keys(env(fake.find("offset-kafka-1")!)).filter((k) => k.includes("POLICY"))).toEqual([]);
  });

  it("with isolateLab, binds the PLAINTEXT listeners to the edge network, out of the lab containers' reach", async () => {
    const { fake, cluster, base } = await setup(50, { limits: LIMITS, isolateLab: true });
    await cluster.up();
    const e = env(fake.find("offset-kafka-3")!);
    expect(e.KAFKA_LISTENERS).toBe(
      `INTERNAL://kafka-3-edge:9092,EXTERNAL://kafka-3-edge:${base + 2},CONTROLLER://kafka-3-edge:9093,LEARNER://:${base + 202},LEARNER_LAB://:9094`,
    );
    expect(e.KAFKA_ADVERTISED_LISTENERS).toBe(
      `INTERNAL://kafka-3-edge:9092,EXTERNAL://127.0.0.1:${base + 2},LEARNER://127.0.0.1:${base + 202},LEARNER_LAB://kafka-3:9094`,
    );
    expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe("1@kafka-1-edge:9093,2@kafka-2-edge:9093,3@kafka-3-edge:9093");
    expect(e.KAFKA_OFFSET_POLICY_BOOTSTRAP).toBe("kafka-1-edge:9092,kafka-2-edge:9092,kafka-3-edge:9092");
    expect(new DockerCluster({ reach: "lab", isolateLab: true }).bootstrap).toEqual([
      "kafka-1-edge:9092",
      "kafka-2-edge:9092",
      "kafka-3-edge:9092",
    ]);
  });

  it("reuses a plugin image built from the same sources, and rebuilds it and restarts the nodes when they change", async () => {
    const repoRoot = pluginCheckout();
    const { fake, cluster, base } = await setup(50, { repoRoot });
    await cluster.up();
    const options = { docker: fake.docker, port: base, readyTimeoutMs: 3000, pollMs: 20, repoRoot };
    const lines: string[] = [];
    await new DockerCluster(options).up((line) => lines.push(line));
    expect(fake.calls("POST", /^\/build$/)).toHaveLength(1);
    expect(lines.some((l) => l.startsWith("Restarting"))).toBe(false);

    fs.appendFileSync(path.join(repoRoot, "runner/kafka/plugin/dev/offset/kafka/CoursePolicy.java"), "\n// changed\n");
    await new DockerCluster(options).up((line) => lines.push(line));
    expect(fake.calls("POST", /^\/build$/)).toHaveLength(2);
    for (const id of [1, 2, 3]) expect(lines).toContain(`Restarting broker ${id}: the course's broker plugin changed`);
    expect(fake.calls("POST", /^\/containers\/offset-kafka-1\/start$/)).toHaveLength(2);
    expect(fake.calls("POST", /^\/containers\/create$/).filter((r) => r.query.get("name") === "offset-kafka-1")).toHaveLength(1);
  });

  it("explains a failed plugin build", async () => {
    const { fake, cluster } = await setup();
    fake.behaviour.buildError = "javac: error: cannot find symbol";
    const error = await cluster.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toMatch(
      /broker plugin \(compose\/kafka-plugin\.Dockerfile\) failed: javac: error: cannot find symbol/,
    );
    expect(fake.find("offset-kafka-1")).toBeUndefined();
  });

  it("says where to look when installing the plugin fails", async () => {
    const { fake, cluster } = await setup();
    fake.behaviour.onStart = installs(1);
    await expect(cluster.up()).rejects.toThrow(
      "Installing the course's broker plugin failed (exit code 1). Its log: docker logs offset-kafka-plugin",
    );
    expect(fake.find("offset-kafka-1")).toBeUndefined();
  });

  it("tells the user to start Docker or use KAFKA_MODE=local when no engine answers", async () => {
    const docker = new Docker({ socketPath: path.join(os.tmpdir(), "offset-no-such-docker.sock") });
    const cluster = new DockerCluster({ docker });
    const error = await cluster.up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClusterError);
    expect((error as Error).message).toMatch(
      /No Docker engine answers at .*offset-no-such-docker\.sock\. Start Docker .* KAFKA_MODE=local/,
    );
    await expect(cluster.stopBroker(1)).rejects.toThrow(/Start Docker/);
    await expect(cluster.down()).resolves.toBeUndefined();
  });
});

describe("labBrokersFor (bootstrap servers for a run container on the lab network)", () => {
  it("maps the learner listener's host ports to LEARNER_LAB, and PLAINTEXT to the lab names", () => {
    expect(labBrokersFor(["127.0.0.1:29292", "127.0.0.1:29293", "127.0.0.1:29294"], 29092)).toEqual([...labLearnerBrokers]);
    expect(labBrokersFor(["127.0.0.1:29092", "127.0.0.1:29093", "127.0.0.1:29094"], 29092)).toEqual([...labBrokers]);
    expect(labBrokersFor(["127.0.0.1:19292", "127.0.0.1:19293", "127.0.0.1:19294"])).toEqual([
      "kafka-1:9094",
      "kafka-2:9094",
      "kafka-3:9094",
    ]);
  });

  it("keeps names that are already in-network names (an external cluster named from the course container)", () => {
    expect(labBrokersFor(["kafka-1:9094", "kafka-2:9094"])).toEqual(["kafka-1:9094", "kafka-2:9094"]);
  });
});

describe("firstTarFile", () => {
  it("skips a pax header to reach the file", () => {
    const block = (name: string, type: string, body: string) => {
      const header = Buffer.alloc(512);
      header.write(name, 0);
      header.write(`${Buffer.byteLength(body).toString(8).padStart(11, "0")}\0`, 124);
      header.write(type, 156);
      const data = Buffer.alloc(Math.ceil(Buffer.byteLength(body) / 512) * 512);
      data.write(body);
      return Buffer.concat([header, data]);
    };
    const tar = Buffer.concat([
      block("PaxHeaders/learner-secret", "x", "30 mtime=1700000000.123456789\n"),
      block("learner-secret", "0", "abc"),
      Buffer.alloc(1024),
    ]);
    expect(firstTarFile(tar)?.toString()).toBe("abc");
    expect(firstTarFile(Buffer.alloc(1024))).toBeUndefined();
  });
});
