import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";
import { afterEach, describe, expect, it } from "vitest";
import { DockerCluster, dockerAvailable } from "./docker.ts";
import { CLUSTER_ID, KAFKA_IMAGE } from "./docker-nodes.ts";
import { FakeDocker } from "./fake-docker.ts";
import { ClusterError } from "./types.ts";

let fake: FakeDocker | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Three consecutive free loopback ports (the real cluster on 19092-19094 must not be touched). */
async function freeBase(): Promise<number> {
  for (;;) {
    const base = 20000 + Math.floor(Math.random() * 30000);
    const free = await Promise.all(
      [0, 1, 2].map(
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

async function setup(healthyAfterMs = 50): Promise<{ fake: FakeDocker; cluster: DockerCluster; lines: string[]; base: number }> {
  fake = await FakeDocker.start({ healthyAfterMs });
  const base = await freeBase();
  const cluster = new DockerCluster({ docker: fake.docker, port: base, readyTimeoutMs: 3000, pollMs: 20 });
  return { fake, cluster, lines: [], base };
}

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
          `KAFKA_ADVERTISED_LISTENERS=INTERNAL://kafka-${id}:9092,EXTERNAL://127.0.0.1:${port}`,
        ]),
      );
      expect((node.config.HostConfig?.PortBindings as Record<string, unknown>)[`${port}/tcp`]).toEqual([
        { HostIp: "127.0.0.1", HostPort: port },
      ]);
      expect(node.config.HostConfig?.Binds).toEqual([`offset-kafka-${id}-data:/var/lib/kafka/data`]);
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
