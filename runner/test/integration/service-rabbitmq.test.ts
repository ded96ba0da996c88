/**
 * The `rabbitmq` companion service on a real node from Debian's rabbitmq-server package, on its own ports and run
 * folder: it starts, answers, carries messages through classic, quorum and stream queues (amqplib, as lessons
 * use it), keeps classroom sessions apart by vhost and login within their limits, gives the management API to the
 * runner alone, and leaves no process behind when stopped.
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canConnect } from "../../src/cluster/probe.ts";
import { servicePorts } from "../../src/services/ports.ts";
import { stopRecorded } from "../../src/services/process.ts";
import { ADMIN_USER, adminPassword } from "../../src/services/rabbitmq/config.ts";
import { RabbitMqService } from "../../src/services/rabbitmq/index.ts";

const ports = servicePorts(Number(process.env.OFFSET_TEST_RABBITMQ_PORT_BASE ?? 26500));
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-rabbitmq-"));
const secret = crypto.randomBytes(16).toString("hex");
const service = new RabbitMqService({ runDir, ports, classroom: true, secret: () => secret });
const sessionA = "s-aaaaaaaaaaaa";
const sessionB = "s-bbbbbbbbbbbb";
const same = (address: string) => address;
const management = `http://127.0.0.1:${ports.rabbitManagement}/api`;
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });
const admin = basic(ADMIN_USER, adminPassword(secret));
const lines: string[] = [];
let startSeconds = 0;
/** Set by the last test: a failed run keeps the run folder (config, logs) to look at. */
let finished = false;

function rssKb(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match?.[1] ?? 0);
}

function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Erlang processes on this machine whose command line or environment names this test's run folder or ports. */
function erlangProcessesOfThisTest(): string[] {
  const words = [runDir, ...service.ports.map(String)];
  return fs.readdirSync("/proc").flatMap((name) => {
    if (!/^\d+$/.test(name) || !alive(Number(name))) return [];
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, "utf8");
      if (!/beam\.smp|epmd|erl_child_setup|inet_gethost|rabbitmq-server/.test(cmdline)) return [];
      let environ = "";
      try {
        environ = fs.readFileSync(`/proc/${name}/environ`, "utf8");
      } catch {
        // Not readable: the command line decides.
      }
      return words.some((word) => cmdline.includes(word) || environ.includes(word)) ? [`${name} ${cmdline.replaceAll("\0", " ")}`] : [];
    } catch {
      return [];
    }
  });
}

async function url(session: string): Promise<string> {
  const env = await service.sessionEnv(session, same);
  expect(Object.keys(env)).toEqual(["LAB_AMQP_URL"]);
  return env.LAB_AMQP_URL!;
}

/** Publishes three messages (`texts`) on a confirm channel, then reads three back, acking each. */
async function roundTrip(
  amqpUrl: string,
  queue: string,
  queueArguments: Record<string, unknown>,
  consumeArguments = {},
  texts = ["one", "two", "three"],
): Promise<string[]> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const publisher = await connection.createConfirmChannel();
    await publisher.assertQueue(queue, { durable: true, arguments: queueArguments });
    for (const text of texts) publisher.sendToQueue(queue, Buffer.from(text), { persistent: true });
    await publisher.waitForConfirms();
    const consumer = await connection.createChannel();
    await consumer.prefetch(10);
    const received: string[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of 3 messages arrived from ${queue}`)), 15_000);
      void consumer
        .consume(
          queue,
          (message) => {
            if (!message) return;
            received.push(message.content.toString());
            consumer.ack(message);
            if (received.length === 3) {
              clearTimeout(timer);
              resolve();
            }
          },
          { arguments: consumeArguments },
        )
        .catch(reject);
    });
    // A stream read from "first" delivers on past the three (up to the prefetch): the first three are the answer.
    return received.slice(0, 3);
  } finally {
    await connection.close();
  }
}

/** The error an AMQP connection attempt fails with (undefined when it succeeds). */
async function connectError(amqpUrl: string): Promise<string | undefined> {
  try {
    const connection = await amqp.connect(amqpUrl);
    await connection.close();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * Expects the broker to refuse the connection at connection.open, for `reason`. amqplib drops the server's reason
 * there ("Expected ConnectionOpenOk; got <ConnectionClose …>"); the broker's log has it.
 */
async function expectRefused(amqpUrl: string, reason: string): Promise<void> {
  const since = fs.statSync(service.logFile).size;
  expect(await connectError(amqpUrl)).toMatch(/ConnectionClose/);
  await expect.poll(() => fs.readFileSync(service.logFile, "utf8").slice(since)).toContain(reason);
}

describe("the rabbitmq service", () => {
  beforeAll(async () => {
    for (const port of service.ports) expect(await canConnect(`127.0.0.1:${port}`), `port ${port} is already taken`).toBe(false);
    await service.ensureInstalled((line) => lines.push(line));
    const started = Date.now();
    await service.start((line) => lines.push(line));
    startSeconds = (Date.now() - started) / 1000;
  }, 360_000);

  afterAll(async () => {
    await service.stop(() => {});
    if (finished) fs.rmSync(runDir, { recursive: true, force: true });
    else console.log(`rabbitmq: run folder kept at ${runDir}`);
  }, 120_000);

  it("starts a private node that answers, on loopback only", async () => {
    expect(await service.ready()).toBe(true);
    expect(lines.some((line) => line.includes("AMQP on"))).toBe(true);
    const tree = service.processTree();
    expect(tree.beam).toBeDefined();
    expect(tree.epmd).toBeDefined();
    expect(service.pids().sort()).toEqual([tree.beam, tree.epmd].sort());
    expect(fs.readFileSync(`/proc/${tree.beam}/cmdline`, "utf8")).toContain("beam.smp");
    const listeners = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
      .split("\n")
      .filter((line) => line.includes(`pid=${tree.beam},`) || line.includes(`pid=${tree.epmd},`));
    const local = listeners.map((line) => line.trim().split(/\s+/)[3]!);
    for (const port of service.ports)
      expect(
        local.some((address) => address.endsWith(`:${port}`)),
        `nothing on ${port}`,
      ).toBe(true);
    for (const address of local) expect(address, `listener ${address}`).toMatch(/^(127\.0\.0\.1|\[::1\]):\d+$/);
    const rss = [tree.beam!, tree.epmd!, ...tree.helpers].map((pid) => ({ pid, kb: rssKb(pid) }));
    const totalMb = rss.reduce((sum, p) => sum + p.kb, 0) / 1024;
    console.log(`rabbitmq: started in ${startSeconds.toFixed(1)} s; RSS ${JSON.stringify(rss)} = ${totalMb.toFixed(1)} MiB`);
    expect(totalMb).toBeLessThan(service.memoryMb);
  });

  it("carries messages through classic, quorum and stream queues", async () => {
    const amqpUrl = await url(sessionA);
    expect(amqpUrl).toMatch(new RegExp(`^amqp://${sessionA}:[0-9a-f]{64}@127\\.0\\.0\\.1:${ports.amqp}/${sessionA}$`));
    expect(await roundTrip(amqpUrl, "classic", {})).toEqual(["one", "two", "three"]);
    expect(await roundTrip(amqpUrl, "quorum", { "x-queue-type": "quorum" })).toEqual(["one", "two", "three"]);
    expect(await roundTrip(amqpUrl, "stream", { "x-queue-type": "stream" }, { "x-stream-offset": "first" })).toEqual([
      "one",
      "two",
      "three",
    ]);
    const queues = (await (await fetch(`${management}/queues/${sessionA}`, { headers: admin })).json()) as { name: string; type: string }[];
    expect(Object.fromEntries(queues.map((q) => [q.name, q.type]))).toEqual({ classic: "classic", quorum: "quorum", stream: "stream" });
    const tree = service.processTree();
    const totalMb = [tree.beam!, tree.epmd!, ...tree.helpers].reduce((sum, pid) => sum + rssKb(pid), 0) / 1024;
    console.log(`rabbitmq: RSS after the round trips ${totalMb.toFixed(1)} MiB`);
  }, 60_000);

  it("keeps a session out of another session's vhost", async () => {
    const urlA = await url(sessionA);
    const urlB = await url(sessionB);
    expect(await connectError(urlB)).toBeUndefined();
    const intoB = urlA.replace(new RegExp(`/${sessionA}$`), `/${sessionB}`);
    await expectRefused(intoB, `access to vhost '${sessionB}' refused for user '${sessionA}'`);
    const permissions = (await (await fetch(`${management}/users/${sessionA}/permissions`, { headers: admin })).json()) as {
      vhost: string;
    }[];
    expect(permissions.map((p) => p.vhost)).toEqual([sessionA]);
    const wrongPassword = urlB.replace(/:[0-9a-f]{64}@/, `:${"0".repeat(64)}@`);
    expect(await connectError(wrongPassword)).toMatch(/ACCESS_REFUSED|403/);
  });

  it("holds a session to its queue and connection limits", async () => {
    const limits = (await (await fetch(`${management}/vhost-limits/${sessionB}`, { headers: admin })).json()) as { value: unknown }[];
    expect(limits[0]?.value).toEqual({ "max-queues": 50, "max-connections": 20 });
    const urlB = await url(sessionB);
    const connection = await amqp.connect(urlB);
    try {
      const channel = await connection.createChannel();
      // The refused declaration closes the channel; its error is the expected outcome.
      channel.on("error", () => {});
      for (let i = 0; i < 50; i += 1) await channel.assertQueue(`q${i}`, { durable: false });
      const refused = await channel.assertQueue("q50", { durable: false }).then(
        () => "declared",
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/queue limit in vhost 's-bbbbbbbbbbbb' \(50\) is reached/);
      const extra = [];
      for (let i = 0; i < 19; i += 1) extra.push(await amqp.connect(urlB));
      try {
        await expectRefused(urlB, `access to vhost '${sessionB}' refused for user '${sessionB}': connection limit (20) is reached`);
      } finally {
        await Promise.all(extra.map((c) => c.close()));
      }
    } finally {
      await connection.close().catch(() => {});
    }
  }, 60_000);

  it("gives the management API to the runner's login alone, and has no guest", async () => {
    const urlA = await url(sessionA);
    const passwordA = /:([0-9a-f]{64})@/.exec(urlA)![1]!;
    expect((await fetch(`${management}/overview`, { headers: basic(sessionA, passwordA) })).status).toBe(401);
    expect((await fetch(`${management}/overview`, { headers: basic("guest", "guest") })).status).toBe(401);
    expect((await fetch(`${management}/overview`, { headers: admin })).status).toBe(200);
    const users = (await (await fetch(`${management}/users`, { headers: admin })).json()) as { name: string; tags: string[] | string }[];
    expect(users.map((u) => u.name).sort()).toEqual([ADMIN_USER, sessionA, sessionB].sort());
    const tagged = users.filter((u) => (Array.isArray(u.tags) ? u.tags.length > 0 : u.tags !== ""));
    expect(tagged.map((u) => u.name)).toEqual([ADMIN_USER]);
    expect(await connectError(`amqp://guest:guest@127.0.0.1:${ports.amqp}/`)).toMatch(/ACCESS_REFUSED|403/);
  });

  it("forgets a session: its vhost and login go", async () => {
    const urlB = await url(sessionB);
    await service.forgetSession(sessionB);
    expect((await fetch(`${management}/vhosts/${sessionB}`, { headers: admin })).status).toBe(404);
    expect((await fetch(`${management}/users/${sessionB}`, { headers: admin })).status).toBe(404);
    expect(await connectError(urlB)).toMatch(/ACCESS_REFUSED|403/);
    // A session that comes back gets a fresh vhost.
    expect(await connectError(await url(sessionB))).toBeUndefined();
  });

  it("restarts on its database after the manager's cleanup: logins and stream contents survive, guest stays gone", async () => {
    const urlA = await url(sessionA);
    const before = service.pids();
    // The path the guardian and the next start's cleanup take: every recorded pid, by its pid file.
    expect((await stopRecorded(runDir)).sort()).toEqual([...before].sort());
    expect(service.pids()).toEqual([]);
    await expect(service.sessionEnv(sessionA, same)).rejects.toThrow(/not running/);
    // Forgotten while down: its vhost goes at the next start.
    await service.forgetSession(sessionB);
    expect(fs.readFileSync(service.files.pendingForgetFile, "utf8")).toContain(sessionB);
    const started = Date.now();
    await service.start(() => {});
    console.log(`rabbitmq: restarted on its database in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(await service.ready()).toBe(true);
    expect(service.pids().some((pid) => before.includes(pid))).toBe(false);
    expect(await url(sessionA)).toBe(urlA);
    // Read from the start of the stream: the three messages published before the restart come first.
    const first = await roundTrip(urlA, "stream", { "x-queue-type": "stream" }, { "x-stream-offset": "first" }, ["four", "five", "six"]);
    expect(first).toEqual(["one", "two", "three"]);
    const users = (await (await fetch(`${management}/users`, { headers: admin })).json()) as { name: string }[];
    expect(users.map((u) => u.name).sort()).toEqual([ADMIN_USER, sessionA].sort());
    expect((await fetch(`${management}/vhosts/${sessionB}`, { headers: admin })).status).toBe(404);
    expect(fs.existsSync(service.files.pendingForgetFile)).toBe(false);
  }, 180_000);

  it("gives a single learner the vhost offset as user learner, without classroom limits", async () => {
    // A second instance on the same run folder finds the node by its pid files, as a restarted runner does.
    const single = new RabbitMqService({ runDir, ports, classroom: false, secret: () => secret });
    expect(single.pids().sort()).toEqual(service.pids().sort());
    expect(await single.ready()).toBe(true);
    const amqpUrl = (await single.sessionEnv("", same)).LAB_AMQP_URL!;
    expect(amqpUrl).toMatch(new RegExp(`^amqp://learner:[0-9a-f]{64}@127\\.0\\.0\\.1:${ports.amqp}/offset$`));
    expect(await roundTrip(amqpUrl, "classic", {})).toEqual(["one", "two", "three"]);
    expect(await (await fetch(`${management}/vhost-limits/offset`, { headers: admin })).json()).toEqual([]);
    await expectRefused(amqpUrl.replace(/\/offset$/, `/${sessionA}`), `access to vhost '${sessionA}' refused for user 'learner'`);
  });

  it("stops, leaving no process behind", async () => {
    const tree = service.processTree();
    const all = [...service.pids(), ...tree.helpers];
    expect(tree.helpers.length).toBeGreaterThan(0);
    expect(erlangProcessesOfThisTest().length).toBeGreaterThan(0);
    const started = Date.now();
    await service.stop(() => {});
    console.log(`rabbitmq: stopped in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(service.pids()).toEqual([]);
    expect(await service.ready()).toBe(false);
    // Helpers (erl_child_setup, inet_gethost) exit with beam, a moment after it.
    for (let i = 0; i < 50 && all.some(alive); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(all.filter(alive)).toEqual([]);
    expect(erlangProcessesOfThisTest()).toEqual([]);
    for (const port of service.ports) expect(await canConnect(`127.0.0.1:${port}`), `port ${port} still open`).toBe(false);
    expect(fs.readdirSync(runDir).filter((f) => f.endsWith(".proc.json"))).toEqual([]);
    finished = true;
  }, 120_000);
});
