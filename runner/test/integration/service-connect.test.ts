/**
 * The Kafka Connect companion worker for real: a distributed worker from the cached jars, in its bubblewrap jail,
 * on the course cluster's plaintext brokers (OFFSET_TEST_KAFKA_PORT, 24092 under `npm test`; any 3-broker cluster
 * started with `KAFKA_PORT=<port> npm run cluster -- up` otherwise), with its own ports (SERVICES_PORT base 26700,
 * or OFFSET_TEST_CONNECT_PORT_BASE), its own worker group and a throwaway run folder. It covers FileStream source
 * and sink through the REST gate, a restart that resumes from the stored offset, the internal topics, what the
 * gate refuses, a learner's symlink the jail makes harmless, forgetting a session, and a stop that leaves nothing.
 * Files are written and read as a run does: as nobody, through a bind mount of the session folder.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import kafkajs from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canConnect, waitFor } from "../../src/cluster/probe.ts";
import { ConnectService, connectTopics } from "../../src/services/connect/index.ts";
import { servicePorts } from "../../src/services/ports.ts";

const { Kafka, logLevel } = kafkajs;

const base = Number(process.env.OFFSET_TEST_CONNECT_PORT_BASE ?? 26700);
const kafkaPort = Number(process.env.OFFSET_TEST_KAFKA_PORT ?? 24092);
const brokers = [0, 1, 2].map((n) => `127.0.0.1:${kafkaPort + n}`);
const home = process.env.OFFSET_HOME ?? path.join(os.homedir(), ".cache", "offset");
const root = fs.mkdtempSync(path.join(os.tmpdir(), "offset-connect-"));
// A run as nobody reaches its session folder through the folders above it, as under a real services folder.
fs.chmodSync(root, 0o711);
const runDir = path.join(root, "services", "connect");
const hex = (bytes: number) => crypto.randomBytes(bytes).toString("hex");
const group = `offset-connect-it-${hex(3)}`;
const internal = connectTopics(group);
const secret = hex(16);
const alice = `s-${hex(6)}`;
const bob = `s-${hex(6)}`;
const lines: string[] = [];
const log = (line: string) => lines.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
const kafka = new Kafka({ clientId: "it-connect", brokers, logLevel: logLevel.NOTHING, retry: { retries: 5 } });
const admin = kafka.admin();

let service: ConnectService;
let startSeconds = 0;
let startMb = 0;

/** Runs a shell script as a lesson's run would: as nobody (when the runner is root), the folder at /connect-files. */
function asRun(labSession: string, script: string): string {
  const dir = service.filesDir(labSession);
  if (process.getuid?.() !== 0) return execFileSync("/bin/sh", ["-c", script.replaceAll("/connect-files", dir)], { encoding: "utf8" });
  const links = ["bin", "lib", "lib64", "sbin"].flatMap((name) => {
    const target = fs.lstatSync(`/${name}`, { throwIfNoEntry: false });
    return target?.isSymbolicLink() ? ["--symlink", fs.readlinkSync(`/${name}`), `/${name}`] : [];
  });
  return execFileSync(
    "/usr/bin/setpriv",
    [
      "--reuid=65534",
      "--regid=65534",
      "--clear-groups",
      "--",
      "/usr/bin/bwrap",
      "--unshare-all",
      "--unshare-user",
      "--uid",
      "65534",
      "--gid",
      "65534",
      "--ro-bind",
      "/usr",
      "/usr",
      ...links,
      "--bind",
      dir,
      "/connect-files",
      "--proc",
      "/proc",
      "--dev",
      "/dev",
      "--chdir",
      "/connect-files",
      "--",
      "/bin/sh",
      "-c",
      script,
    ],
    { encoding: "utf8" },
  );
}

/** One REST call through the gate with a session's LAB_CONNECT_URL. */
async function gate(url: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(route.replace(/^\//, ""), url), {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

async function envOf(labSession: string): Promise<Record<string, string>> {
  return service.sessionEnv(labSession, (address) => address);
}

/** Every record of a topic, read from the beginning until the end offsets known now. */
async function readAll(topic: string, timeoutMs = 30_000): Promise<{ key: string | null; value: string | null }[]> {
  const ends = await admin.fetchTopicOffsets(topic);
  const wanted = new Map(ends.map((p) => [p.partition, Number(p.high)]));
  const records: { partition: number; offset: number; key: string | null; value: string | null }[] = [];
  if ([...wanted.values()].every((high) => high === 0)) return [];
  const consumer = kafka.consumer({ groupId: `it-connect-read-${hex(4)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const done = () =>
      [...wanted].every(([partition, high]) => high === 0 || records.some((r) => r.partition === partition && r.offset >= high - 1));
    await consumer.run({
      eachMessage: ({ partition, message }) => {
        records.push({
          partition,
          offset: Number(message.offset),
          key: message.key?.toString() ?? null,
          value: message.value?.toString() ?? null,
        });
        return Promise.resolve();
      },
    });
    await waitFor(() => Promise.resolve(done()), timeoutMs, 100);
  } finally {
    await consumer.disconnect();
  }
  return records.map(({ key, value }) => ({ key, value }));
}

const outLines = (labSession: string) => asRun(labSession, "cat /connect-files/out.txt 2>/dev/null || true").split("\n").filter(Boolean);

beforeAll(async () => {
  for (const broker of brokers) {
    if (!(await canConnect(broker, 2000))) {
      throw new Error(
        `No Kafka broker answers on ${broker}. Run this test through npm test, or start a cluster (KAFKA_PORT=${kafkaPort} npm run cluster -- up) and set OFFSET_TEST_KAFKA_PORT to its port.`,
      );
    }
  }
  const ports = servicePorts(base);
  for (const port of [ports.connectRest, ports.connectGate]) {
    if (await canConnect(`127.0.0.1:${port}`)) throw new Error(`Port ${port} is taken; set OFFSET_TEST_CONNECT_PORT_BASE to a free base`);
  }
  await admin.connect();
  service = new ConnectService({ home, runDir, ports, classroom: true, bootstrap: () => brokers, secret: () => secret, group, log });
  await service.ensureInstalled(log);
  const started = Date.now();
  await service.start(log);
  startSeconds = (Date.now() - started) / 1000;
  startMb = service.residentMb();
}, 600_000);

afterAll(async () => {
  await service?.stop(log);
  const topics = [internal.configs, internal.offsets, internal.status, `${alice}.lines`, `${alice}.secrets`];
  const existing = await admin.listTopics().catch(() => [] as string[]);
  await admin.deleteTopics({ topics: topics.filter((t) => existing.includes(t)) }).catch(() => {});
  await admin.disconnect();
  fs.rmSync(root, { recursive: true, force: true });
  console.log(lines.join("\n"));
}, 300_000);

describe("Kafka Connect 4.3.1 (distributed worker)", () => {
  it("starts one jailed worker on the course cluster that offers FileStreamSource and FileStreamSink", async () => {
    expect(await service.ready()).toBe(true);
    // The JVM, and bwrap around it.
    const [pid, jail] = service.pids();
    expect(service.pids()).toHaveLength(2);
    expect(fs.readFileSync(`/proc/${jail}/cmdline`, "utf8").split("\0")[0]).toBe("/usr/bin/bwrap");
    expect(fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0]).toMatch(/\/java$/);
    // Its own mount namespace: the session folders at /connect-files, and no /root.
    expect(fs.readFileSync(`/proc/${pid}/mountinfo`, "utf8")).toContain(" /connect-files ");
    const rootInfo = (await service.rest("GET", "/")).body as { version: string; kafka_cluster_id: string };
    expect(rootInfo.version).toBe("4.3.1");
    expect(rootInfo.kafka_cluster_id).toBeTruthy();
    const plugins = ((await service.rest("GET", "/connector-plugins")).body as { class: string }[]).map((p) => p.class).sort();
    expect(plugins).toEqual([
      "org.apache.kafka.connect.file.FileStreamSinkConnector",
      "org.apache.kafka.connect.file.FileStreamSourceConnector",
    ]);
    log(`worker start took ${startSeconds.toFixed(1)} s; ${startMb} MiB resident (budget figure ${service.memoryMb} MiB)`);
  });

  it("keeps its configs, offsets and status in three compacted topics replicated on all three brokers", async () => {
    // The worker has just created them: a broker that has not replayed the new topics yet answers "does not host
    // this topic-partition" (KRaft brokers apply the metadata log each at its own pace), so ask until all do.
    let topics: Awaited<ReturnType<typeof admin.fetchTopicMetadata>>["topics"] = [];
    const described = await waitFor(async () => {
      try {
        topics = (await admin.fetchTopicMetadata({ topics: [internal.configs, internal.offsets, internal.status] })).topics;
        return true;
      } catch (error) {
        const e = error as { type?: string; retriable?: boolean };
        if (e.type === "UNKNOWN_TOPIC_OR_PARTITION" || e.retriable) return false;
        throw error;
      }
    }, 15_000);
    expect(described, "the brokers did not all know the worker's internal topics within 15 s").toBe(true);
    expect(topics.map((t) => t.name).sort()).toEqual([internal.configs, internal.offsets, internal.status].sort());
    for (const topic of topics) for (const partition of topic.partitions) expect(partition.replicas).toHaveLength(3);
    expect(topics.find((t) => t.name === internal.configs)?.partitions).toHaveLength(1);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({ type: kafkajs.ConfigResourceTypes.TOPIC, name: t.name, configNames: ["cleanup.policy"] })),
    });
    for (const resource of configs.resources) expect(resource.configEntries[0]?.configValue).toBe("compact");
  });

  it("moves lines appended to in.txt through a topic into out.txt, through the session's gate", async () => {
    const env = await envOf(alice);
    expect(env.LAB_CONNECT_URL).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${base + 21}/s/${alice}\\.[0-9a-f]{32}/$`));
    // A sandboxed run sees its folder at the worker's own path, so one path serves both.
    expect(env.LAB_CONNECT_FILES).toBe(env.LAB_CONNECT_WORKER_FILES);
    expect(env.LAB_CONNECT_WORKER_FILES).toMatch(/^\/connect-files\/[0-9a-f]{24}$/);
    await admin.createTopics({ topics: [{ topic: `${alice}.lines`, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });

    asRun(alice, "printf 'one\\ntwo\\nthree\\n' >> /connect-files/in.txt");
    const url = env.LAB_CONNECT_URL!;
    const files = env.LAB_CONNECT_WORKER_FILES!;
    const source = await gate(url, "POST", "/connectors", {
      name: `${alice}.file-source`,
      config: { "connector.class": "FileStreamSource", file: `${files}/in.txt`, topic: `${alice}.lines`, "tasks.max": "1" },
    });
    expect(source.status, JSON.stringify(source.body)).toBe(201);
    const sink = await gate(url, "POST", "/connectors", {
      name: `${alice}.file-sink`,
      config: {
        "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
        file: `${files}/out.txt`,
        topics: `${alice}.lines`,
      },
    });
    expect(sink.status, JSON.stringify(sink.body)).toBe(201);

    expect(await waitFor(() => Promise.resolve(outLines(alice).length >= 3), 60_000, 500)).toBe(true);
    expect(outLines(alice)).toEqual(["one", "two", "three"]);
    // JsonConverter without schemas: each line is a JSON string, with no key.
    expect(await readAll(`${alice}.lines`)).toEqual(["one", "two", "three"].map((v) => ({ key: null, value: JSON.stringify(v) })));

    asRun(alice, "printf 'four\\n' >> /connect-files/in.txt");
    expect(await waitFor(() => Promise.resolve(outLines(alice).length >= 4), 30_000, 500)).toBe(true);
    const status = await gate(url, "GET", "/connectors?expand=status");
    expect(Object.keys(status.body as object).sort()).toEqual([`${alice}.file-sink`, `${alice}.file-source`]);
  });

  it("resumes the source from its stored offset after the worker restarts: no line twice, new lines arrive", async () => {
    // Offsets are flushed every second; a clean stop stores them once more.
    await new Promise((r) => setTimeout(r, 2500));
    await service.stop(log);
    expect(service.pids()).toEqual([]);
    asRun(alice, "printf 'five\\nsix\\n' >> /connect-files/in.txt");
    const started = Date.now();
    await service.start(log);
    log(`restart took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await waitFor(() => Promise.resolve(outLines(alice).length >= 6), 90_000, 500)).toBe(true);
    await new Promise((r) => setTimeout(r, 3000));
    const expected = ["one", "two", "three", "four", "five", "six"];
    expect(outLines(alice)).toEqual(expected);
    expect((await readAll(`${alice}.lines`)).map((r) => r.value)).toEqual(expected.map((v) => JSON.stringify(v)));

    // The offsets topic holds the source's position in in.txt: the bytes it has read.
    const { LAB_CONNECT_WORKER_FILES: files } = await envOf(alice);
    const key = JSON.stringify([`${alice}.file-source`, { filename: `${files}/in.txt` }]);
    const positions = (await readAll(internal.offsets))
      .filter((r) => r.key === key)
      .map((r) => JSON.parse(r.value!) as { position: number });
    expect(positions.at(-1)?.position).toBe(Buffer.byteLength(`${expected.join("\n")}\n`));
    log(`worker resident memory with two connectors running: ${service.residentMb()} MiB`);
  });

  it("refuses another session's connectors, files outside the folder, unprefixed topics and other connector classes", async () => {
    const a = await envOf(alice);
    const b = await envOf(bob);
    const files = a.LAB_CONNECT_WORKER_FILES!;
    const source = (config: Record<string, string>, name = `${alice}.extra`) => ({
      name,
      config: { "connector.class": "FileStreamSource", file: `${files}/in.txt`, topic: `${alice}.lines`, ...config },
    });
    const message = (answer: { body: unknown }) => (answer.body as { message: string }).message;

    // Another session sees none of alice's connectors and cannot touch them, even by name.
    expect((await gate(b.LAB_CONNECT_URL!, "GET", "/connectors")).body).toEqual([]);
    expect(((await gate(a.LAB_CONNECT_URL!, "GET", "/connectors")).body as string[]).sort()).toEqual([
      `${alice}.file-sink`,
      `${alice}.file-source`,
    ]);
    for (const [method, route] of [
      ["GET", `/connectors/${alice}.file-source/config`],
      ["DELETE", `/connectors/${alice}.file-source`],
      ["PUT", `/connectors/${alice}.file-source/pause`],
    ] as const) {
      const answer = await gate(b.LAB_CONNECT_URL!, method, route);
      expect(answer.status).toBe(403);
      expect(message(answer)).toContain(`start with "${bob}."`);
    }
    const stolen = await gate(b.LAB_CONNECT_URL!, "POST", "/connectors", source({}, `${bob}.steal`));
    expect(stolen.status).toBe(403);
    expect(message(stolen)).toMatch(/outside your Connect folder/);

    const outside = await gate(a.LAB_CONNECT_URL!, "POST", "/connectors", source({ file: "/etc/passwd" }));
    expect(outside.status).toBe(403);
    expect(message(outside)).toContain("LAB_CONNECT_WORKER_FILES");
    const climbing = await gate(
      a.LAB_CONNECT_URL!,
      "POST",
      "/connectors",
      source({ file: `${files}/../${path.basename(b.LAB_CONNECT_WORKER_FILES!)}/in.txt` }),
    );
    expect(climbing.status).toBe(403);

    const topic = await gate(a.LAB_CONNECT_URL!, "POST", "/connectors", source({ topic: "lines" }));
    expect(topic.status).toBe(403);
    expect(message(topic)).toContain(`"${alice}.lines"`);

    const mock = await gate(
      a.LAB_CONNECT_URL!,
      "POST",
      "/connectors",
      source({ "connector.class": "org.apache.kafka.connect.tools.MockSourceConnector" }),
    );
    expect(mock.status).toBe(403);
    expect(message(mock)).toMatch(/FileStreamSource and FileStreamSink/);

    const forged = await gate(a.LAB_CONNECT_URL!.replace(alice, bob), "GET", "/connectors");
    expect(forged.status).toBe(403);
    expect((await gate(a.LAB_CONNECT_URL!, "GET", "/admin/loggers")).status).toBe(403);

    // Nothing refused reached the worker.
    expect(((await service.rest("GET", "/connectors")).body as string[]).sort()).toEqual([`${alice}.file-sink`, `${alice}.file-source`]);
  });

  it("follows no symlink out of the session folder: the jailed worker finds nothing behind it", async () => {
    const { LAB_CONNECT_URL: url, LAB_CONNECT_WORKER_FILES: files } = await envOf(alice);
    asRun(alice, "ln -s /etc/shadow /connect-files/evil");
    await admin.createTopics({ topics: [{ topic: `${alice}.secrets`, numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
    const created = await gate(url!, "POST", "/connectors", {
      name: `${alice}.evil`,
      config: { "connector.class": "FileStreamSource", file: `${files}/evil`, topic: `${alice}.secrets` },
    });
    expect(created.status).toBe(201);
    await waitFor(
      async () => JSON.stringify((await service.rest("GET", `/connectors/${alice}.evil/status`)).body).includes('"RUNNING"'),
      30_000,
      500,
    );
    await new Promise((r) => setTimeout(r, 5000));
    const [offsets] = await admin.fetchTopicOffsets(`${alice}.secrets`);
    expect(offsets?.high).toBe("0");
  });

  it("forgets a session: its connectors and its folder go", async () => {
    const folder = service.filesDir(alice);
    await service.forgetSession(alice);
    expect(await service.sessionConnectors(alice)).toEqual([]);
    expect(fs.existsSync(folder)).toBe(false);
  });

  it("stops its worker (and the jail around it) and closes the gate", async () => {
    await service.stop(log);
    expect(service.pids()).toEqual([]);
    const left = fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(runDir);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
    expect(await canConnect(service.gateAddress)).toBe(false);
    expect(await canConnect(service.restAddress)).toBe(false);
  });
});
