/**
 * The HTTP surface with no Kafka and no sandbox: createApp() with the fake engine and a fake cluster, driven with
 * app.request(). Status codes, error bodies and the guards in front of every route.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { createApp } from "./app.ts";
import type { ClusterBackend } from "./cluster/index.ts";
import type { ClusterInspector } from "./cluster/inspect.ts";
import { loadConfig } from "./config/index.ts";
import { healthSchema } from "./protocol/cluster.ts";
import { RunManager } from "./runs/manager.ts";
import { RunQueue } from "./runs/queue.ts";
import { FakeEngine } from "./sandbox/fake-engine.ts";
import { SessionJanitor } from "./session/cleanup.ts";
import { Sessions } from "./session/index.ts";
import { ServiceManager } from "./services/manager.ts";

const brokers = [1, 2, 3].map((id) => ({ id, address: `127.0.0.1:${19091 + id}`, up: true }));
const stopped: number[] = [];
const cluster: ClusterBackend = {
  mode: "local",
  bootstrap: brokers.map((b) => b.address),
  canControlBrokers: true,
  up: () => Promise.resolve(),
  down: () => Promise.resolve(),
  status: () => Promise.resolve(brokers),
  stopBroker: (id) => {
    stopped.push(id);
    return Promise.resolve();
  },
  startBroker: () => Promise.resolve(),
};

function app(env: Record<string, string> = {}, siteDir?: string) {
  const config = loadConfig({ FAULT_INJECTION: "on", ...env });
  const engine = new FakeEngine();
  const sessions = new Sessions(config.COURSE_MODE, "test-secret");
  const runs = new RunManager({
    engine,
    queue: new RunQueue(2, 4),
    limits: { timeoutMs: 1000, outputBytes: 1000, memoryMb: 64, maxProcesses: 8 },
    brokers: () => cluster.bootstrap,
    labSession: (s) => sessions.prefix(s),
    exerciseCheck: () => Promise.resolve(undefined),
  });
  const inspector = { view: () => Promise.reject(new Error("TOPIC s-0123456789ab.secret is gone")), reset: () => Promise.resolve() };
  return createApp({
    config,
    cluster,
    inspector: inspector as unknown as ClusterInspector,
    engine,
    runs,
    janitor: new SessionJanitor(() => cluster.bootstrap),
    sessions,
    services: noServices(),
    lessonServices: () => [],
    ...(siteDir ? { siteDir } : {}),
  });
}

/** A course with no companion services (their own tests are in services/). */
function noServices(): ServiceManager {
  return new ServiceManager({ services: [], dir: os.tmpdir(), budgetMb: 1, idleMs: 60_000, owned: false });
}

const json = { host: "127.0.0.1:4321", "content-type": "application/json" };
const post = (path: string, body: string, headers: Record<string, string> = json) =>
  app().request(`http://127.0.0.1:4321${path}`, { method: "POST", headers, body });
const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

describe("POST /api/runs", () => {
  it("streams a run as server-sent events", async () => {
    const response = await post("/api/runs", JSON.stringify({ code: "console.log(1)", lang: "ts" }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/event-stream/);
    const text = await response.text();
    expect(text).toMatch(/event: start/);
    expect(text).toMatch(/event: end\ndata: \{[^}]*"reason":"ok"/);
  });

  it("400 for JSON that is not a run request, naming the field", async () => {
    const response = await post("/api/runs", JSON.stringify({ code: 42, lang: "ts" }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/code/);
  });

  it("400 for a body that is not JSON", async () => {
    const response = await post("/api/runs", "{not json");
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/not valid JSON/);
  });

  it("413 for a body over the limit, before it is read whole", async () => {
    const response = await post("/api/runs", JSON.stringify({ code: "x".repeat(80 * 1024), lang: "ts" }));
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatch(/64 KB/);
  });

  it("415 for text/plain, 403 for another site's page", async () => {
    expect((await post("/api/runs", "{}", { host: "127.0.0.1:4321", "content-type": "text/plain" })).status).toBe(415);
    const foreign = await post("/api/runs", "{}", { ...json, origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    expect(await errorOf(foreign)).toMatch(/ALLOWED_ORIGINS/);
  });

  it("404 for cancelling a run that does not exist", async () => {
    const response = await post("/api/runs/nope/cancel", "", { host: "127.0.0.1:4321" });
    expect(response.status).toBe(404);
  });
});

describe("/api/cluster", () => {
  it("503 without Kafka's own message, which could name another session's topic", async () => {
    const response = await app().request("http://127.0.0.1:4321/api/cluster", { headers: { host: "127.0.0.1:4321" } });
    expect(response.status).toBe(503);
    expect(await errorOf(response)).not.toMatch(/s-0123456789ab/);
  });

  it("stops a broker for the course's page, never for a foreign one", async () => {
    stopped.length = 0;
    const foreign = await post("/api/cluster/brokers/2/stop", "", { host: "127.0.0.1:4321", origin: "http://127.0.0.1:9999" });
    expect(foreign.status).toBe(403);
    expect(stopped).toEqual([]);
    const own = await post("/api/cluster/brokers/2/stop", "", { host: "127.0.0.1:4321", origin: "http://127.0.0.1:4321" });
    expect(own.status).toBe(200);
    expect(stopped).toEqual([2]);
  });

  it("404 for a broker that does not exist", async () => {
    const response = await post("/api/cluster/brokers/9/stop", "", { host: "127.0.0.1:4321" });
    expect(response.status).toBe(404);
  });
});

describe("GET /api/health", () => {
  it("answers in the shape the page and the checks read (runner/src/protocol/cluster.ts)", async () => {
    const response = await app().request("http://127.0.0.1:4321/api/health", { headers: { host: "127.0.0.1:4321" } });
    const health = healthSchema.parse(await response.json());
    expect(health).toMatchObject({ ok: true, engine: "fake", courseMode: "single", faultInjection: true });
    expect(health.cluster.brokers).toHaveLength(3);
  });
});

describe("any request", () => {
  it("403 for a host the course does not serve; 404 JSON for an unknown API path", async () => {
    const rebound = await app().request("http://rebind.example/api/health", { headers: { host: "rebind.example" } });
    expect(rebound.status).toBe(403);
    const unknown = await app().request("http://127.0.0.1:4321/api/nothing", { headers: { host: "127.0.0.1:4321" } });
    expect(unknown.status).toBe(404);
    expect(await errorOf(unknown)).toMatch(/No API endpoint/);
  });

  it("409 for a session reset in single-user mode", async () => {
    const response = await app().request("http://127.0.0.1:4321/api/session", { method: "DELETE", headers: { host: "127.0.0.1:4321" } });
    expect(response.status).toBe(409);
  });
});

describe("a full queue", () => {
  it("answers 429 with Retry-After, mapped from the queue's own error", async () => {
    const config = loadConfig({});
    const sessions = new Sessions("single", "s");
    const engine = new FakeEngine(() => new Promise(() => {}));
    const runs = new RunManager({
      engine,
      queue: new RunQueue(1, 1),
      limits: { timeoutMs: 1000, outputBytes: 1000, memoryMb: 64, maxProcesses: 8 },
      brokers: () => [],
      labSession: () => "",
      exerciseCheck: () => Promise.resolve(undefined),
    });
    const hono = createApp({
      config,
      cluster,
      inspector: {} as ClusterInspector,
      engine,
      runs,
      janitor: new SessionJanitor(() => []),
      sessions,
      services: noServices(),
      lessonServices: () => [],
    });
    const send = () =>
      hono.request("http://127.0.0.1:4321/api/runs", { method: "POST", headers: json, body: JSON.stringify({ code: "1", lang: "ts" }) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([200, 200, 429]);
    const full = await send();
    expect(full.headers.get("retry-after")).toBe("5");
    expect(await errorOf(full)).toMatch(/Too many runs/);
  });
});

describe("the built site", () => {
  const site = fs.mkdtempSync(path.join(os.tmpdir(), "offset-site-"));
  const script = "console.log('a lesson');\n".repeat(200);
  fs.mkdirSync(path.join(site, "_astro"));
  fs.writeFileSync(path.join(site, "index.html"), "<!doctype html><title>Offset</title>");
  fs.writeFileSync(path.join(site, "_astro", "page.DldqwPus.js"), script);
  fs.writeFileSync(path.join(site, "_astro", "page.DldqwPus.js.br"), zlib.brotliCompressSync(script));
  fs.writeFileSync(path.join(site, "_astro", "page.DldqwPus.js.gz"), zlib.gzipSync(script));
  const get = (file: string, headers: Record<string, string> = {}) =>
    app({}, site).request(`http://127.0.0.1:4321${file}`, { headers: { host: "127.0.0.1:4321", ...headers } });

  it("sends the build's brotli or gzip copy to a browser that accepts it, and the file itself otherwise", async () => {
    const br = await get("/_astro/page.DldqwPus.js", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(br.headers.get("content-encoding")).toBe("br");
    expect(br.headers.get("vary")).toMatch(/Accept-Encoding/i);
    expect(br.headers.get("content-type")).toMatch(/javascript/);
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(script);
    const gz = await get("/_astro/page.DldqwPus.js", { "accept-encoding": "gzip" });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const plain = await get("/_astro/page.DldqwPus.js");
    expect(plain.headers.get("content-encoding")).toBeNull();
    expect(await plain.text()).toBe(script);
  });

  it("lets browsers keep hashed assets for good and check pages again on each visit", async () => {
    expect((await get("/_astro/page.DldqwPus.js")).headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect((await get("/")).headers.get("cache-control")).toBe("no-cache");
    const api = await get("/api/nothing");
    expect(api.status).toBe(404);
    expect(api.headers.get("cache-control")).toBeNull();
  });
});
