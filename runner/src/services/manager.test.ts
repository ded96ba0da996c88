import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ServiceManager } from "./manager.ts";
import { SERVICE_USE, ServiceError, type Service, type ServiceName } from "./types.ts";

/** A service of our own logic's tests: it "runs" while started, and counts its starts and stops. */
class FakeService implements Service {
  readonly title: string;
  readonly install = "nowhere";
  readonly ports = [];
  starts = 0;
  stops = 0;
  running = false;
  failNext = false;
  startDelayMs = 20;
  readonly name: ServiceName;
  readonly memoryMb: number;
  constructor(name: ServiceName, memoryMb: number) {
    this.name = name;
    this.memoryMb = memoryMb;
    this.title = `Fake ${name}`;
  }
  ensureInstalled(): Promise<void> {
    return Promise.resolve();
  }
  async start(progress: (line: string) => void): Promise<void> {
    this.starts += 1;
    progress(`${this.name} booting`);
    await new Promise((r) => setTimeout(r, this.startDelayMs));
    if (this.failNext) {
      this.failNext = false;
      throw new Error("port taken");
    }
    this.running = true;
  }
  stop(): Promise<void> {
    if (this.running) this.stops += 1;
    this.running = false;
    return Promise.resolve();
  }
  ready(): Promise<boolean> {
    return Promise.resolve(this.running);
  }
  pids(): number[] {
    return this.running ? [process.pid] : [];
  }
  endpoints() {
    return [];
  }
  sessionEnv(): Promise<Record<string, string>> {
    return Promise.resolve({});
  }
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-services-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function manager(services: Service[], budgetMb = 1000, idleMs = 60_000): ServiceManager {
  return new ServiceManager({ services, dir, budgetMb, idleMs, owned: false });
}

describe("ServiceManager", () => {
  it("starts a service once for concurrent runs, and every waiting run sees the progress", async () => {
    const rabbit = new FakeService("rabbitmq", 200);
    const m = manager([rabbit]);
    const first: string[] = [];
    const second: string[] = [];
    const [a, b] = await Promise.all([m.acquire(["rabbitmq"], (l) => first.push(l)), m.acquire(["rabbitmq"], (l) => second.push(l))]);
    expect(rabbit.starts).toBe(1);
    expect(first.some((l) => l.includes("booting"))).toBe(true);
    expect(second.some((l) => l.includes("ready"))).toBe(true);
    a();
    b();
    expect((await m.status())[0]).toMatchObject({ name: "rabbitmq", state: "ready" });
  });

  it("stops an idle service to make room, least recently used first, but never one a run holds", async () => {
    const zk = new FakeService("zk-kafka", 700);
    const rabbit = new FakeService("rabbitmq", 400);
    const m = manager([zk, rabbit], 1000);
    const releaseZk = await m.acquire(["zk-kafka"]);
    await expect(m.acquire(["rabbitmq"])).rejects.toThrow(/SERVICES_MEMORY_MB=1000.*in use/);
    expect(zk.running).toBe(true);
    releaseZk();
    const lines: string[] = [];
    const releaseRabbit = await m.acquire(["rabbitmq"], (l) => lines.push(l));
    expect(zk.running).toBe(false);
    expect(rabbit.running).toBe(true);
    expect(lines.some((l) => /Stopping Fake zk-kafka, idle, to make room/.test(l))).toBe(true);
    releaseRabbit();
  });

  it("refuses a service larger than the whole budget, saying which setting to raise", async () => {
    const m = manager([new FakeService("zk-kafka", 900)], 512);
    await expect(m.up("zk-kafka")).rejects.toThrow(/raise SERVICES_MEMORY_MB/i);
  });

  it("reports a failed start in its status, and a later run starts it afresh", async () => {
    const rabbit = new FakeService("rabbitmq", 100);
    rabbit.failNext = true;
    const m = manager([rabbit]);
    await expect(m.acquire(["rabbitmq"])).rejects.toBeInstanceOf(ServiceError);
    const [status] = await m.status();
    expect(status?.state).toBe("failed");
    expect(status?.error).toContain("port taken");
    const release = await m.acquire(["rabbitmq"]);
    expect(rabbit.running).toBe(true);
    release();
  });

  it("stops what it started when idle too long, and on close", async () => {
    const rabbit = new FakeService("rabbitmq", 100);
    const zk = new FakeService("zk-kafka", 100);
    const m = new ServiceManager({ services: [rabbit, zk], dir, budgetMb: 1000, idleMs: 50, owned: true });
    await m.start();
    (await m.acquire(["rabbitmq"]))();
    await new Promise((r) => setTimeout(r, 120));
    await (m as unknown as { stopIdle(): Promise<void> }).stopIdle();
    expect(rabbit.running).toBe(false);
    (await m.acquire(["zk-kafka"]))();
    await m.close();
    expect(zk.running).toBe(false);
  });

  it("leaves a service it found running (started from the terminal) to its owner", async () => {
    const rabbit = new FakeService("rabbitmq", 100);
    rabbit.running = true;
    const m = manager([rabbit]);
    (await m.acquire(["rabbitmq"]))();
    expect(rabbit.starts).toBe(0);
    await m.close();
    expect(rabbit.running).toBe(true);
  });

  it("names the services it has when asked for one it has not", async () => {
    const m = manager([new FakeService("rabbitmq", 100)]);
    await expect(m.up("zk-kafka")).rejects.toThrow(/Services: rabbitmq/);
  });
});

describe("SERVICE_USE", () => {
  it("tells the code that uses a service from code that does not", () => {
    expect(SERVICE_USE.rabbitmq.test('import amqp from "amqplib";')).toBe(true);
    expect(SERVICE_USE.rabbitmq.test('import { amqpUrl, topic } from "lab";')).toBe(true);
    expect(SERVICE_USE["zk-kafka"].test('import zookeeper from "node-zookeeper-client";')).toBe(true);
    expect(SERVICE_USE["zk-kafka"].test("const admin = zkKafka().admin();")).toBe(true);
    expect(SERVICE_USE["zk-kafka"].test('stopBroker("zk-kafka", 2, { crash: true });')).toBe(true);
    expect(SERVICE_USE["zk-kafka"].test('stopBroker("kraft", 2); const q = await describeQuorum();')).toBe(false);
    expect(SERVICE_USE.rabbitmq.test('import { kafka, topic } from "lab";')).toBe(false);
  });
});
