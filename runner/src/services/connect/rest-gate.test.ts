import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionScope } from "./policy.ts";
import { MAX_BODY_BYTES, RestGate, gateToken, sessionOfToken } from "./rest-gate.ts";

const secret = "unit-secret";
const alice = "s-0123456789ab";
const scopes: Record<string, SessionScope> = {
  [alice]: { prefix: `${alice}.`, workerFiles: "/connect-files/aaa", maxConnectors: 2 },
};

interface Seen {
  method: string;
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A stand-in worker: records each request and answers from `connectors`. */
async function fakeWorker(connectors: string[] = []): Promise<{ address: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = http.createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      seen.push({ method: request.method!, url: request.url!, body, headers: request.headers });
      response.setHeader("content-type", "application/json");
      if (request.method === "POST") {
        response.statusCode = 201;
        response.end(body);
      } else if (request.url === "/connectors") response.end(JSON.stringify(connectors));
      else if (request.url === "/connectors?expand=status") {
        response.end(JSON.stringify(Object.fromEntries(connectors.map((name) => [name, { status: { name } }]))));
      } else response.end(JSON.stringify({ version: "4.3.1" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

async function startGate(upstream: string): Promise<{ url: (labSession: string) => string; log: string[] }> {
  const log: string[] = [];
  const gate = new RestGate({
    upstream,
    scopeOf: (token) => {
      const labSession = sessionOfToken(secret, token);
      return labSession === undefined ? undefined : scopes[labSession];
    },
    log: (line) => log.push(line),
  });
  await gate.listen(0);
  closers.push(() => gate.close());
  return { url: (labSession) => `http://127.0.0.1:${gate.port}/s/${gateToken(secret, labSession)}`, log };
}

async function call(url: string, method = "GET", body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    ...(body === undefined
      ? {}
      : { body: typeof body === "string" ? body : JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const sourceConfig = { "connector.class": "FileStreamSource", file: "/connect-files/aaa/in.txt", topic: `${alice}.lines` };

describe("gate tokens", () => {
  it("name their session and verify only with the secret they were made with", () => {
    expect(gateToken(secret, alice)).toMatch(new RegExp(`^${alice}\\.[0-9a-f]{32}$`));
    expect(sessionOfToken(secret, gateToken(secret, alice))).toBe(alice);
    expect(sessionOfToken(secret, gateToken(secret, ""))).toBe("");
    expect(sessionOfToken("other", gateToken(secret, alice))).toBeUndefined();
    const [, mac] = gateToken(secret, alice).split(".");
    expect(sessionOfToken(secret, `s-ffffffffffff.${mac}`)).toBeUndefined();
    expect(sessionOfToken(secret, "garbage")).toBeUndefined();
  });
});

describe("RestGate", () => {
  it("refuses a request without a valid token, and logs refusals without the token's HMAC", async () => {
    const worker = await fakeWorker();
    const { url, log } = await startGate(worker.address);
    const base = new URL(url(alice));
    for (const path of ["/", "/connectors", `/s/${alice}.0000/connectors`, `/s/${gateToken("other", alice)}/connectors`]) {
      const answer = await call(`${base.origin}${path}`);
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ error_code: 403, message: expect.stringContaining("use LAB_CONNECT_URL") as string });
    }
    expect(worker.seen).toEqual([]);
    expect(log.join("\n")).not.toMatch(/[0-9a-f]{32}/);
  });

  it("forwards what a session may do, and lists only its connectors", async () => {
    const worker = await fakeWorker([`${alice}.a`, "s-ffffffffffff.b", "c"]);
    const { url } = await startGate(worker.address);
    expect(await call(`${url(alice)}/`)).toEqual({ status: 200, body: { version: "4.3.1" } });
    expect((await call(`${url(alice)}/connectors`)).body).toEqual([`${alice}.a`]);
    expect((await call(`${url(alice)}/connectors?expand=status`)).body).toEqual({ [`${alice}.a`]: { status: { name: `${alice}.a` } } });
    expect((await call(`${url(alice)}/connectors/${alice}.a/status`)).status).toBe(200);
    expect(worker.seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      "GET /",
      "GET /connectors",
      "GET /connectors?expand=status",
      `GET /connectors/${alice}.a/status`,
    ]);
  });

  it("sends the worker the configuration it checked, re-serialised (a duplicate key cannot hide a second value)", async () => {
    const worker = await fakeWorker();
    const { url } = await startGate(worker.address);
    const raw = `{"name": "${alice}.src", "config": {"connector.class": "FileStreamSource", "file": "/etc/passwd", "file": "/connect-files/aaa/in.txt", "topic": "${alice}.lines"}}`;
    const created = await call(`${url(alice)}/connectors`, "POST", raw);
    expect(created.status).toBe(201);
    const posted = worker.seen.find((s) => s.method === "POST")!;
    expect(JSON.parse(posted.body)).toEqual({ name: `${alice}.src`, config: { ...sourceConfig } });
    expect(posted.body).not.toContain("/etc/passwd");
    expect(posted.headers.authorization).toBeUndefined();
  });

  it("refuses bad configurations with a JSON message, before the worker sees them", async () => {
    const worker = await fakeWorker();
    const { url } = await startGate(worker.address);
    const answer = await call(`${url(alice)}/connectors`, "POST", {
      name: `${alice}.src`,
      config: { ...sourceConfig, file: "/etc/passwd" },
    });
    expect(answer.status).toBe(403);
    expect((answer.body as { message: string }).message).toMatch(/outside your Connect folder/);
    const put = await call(`${url(alice)}/connectors/${alice}.src/config`, "PUT", { ...sourceConfig, topic: "x" });
    expect(put.status).toBe(403);
    const other = await call(`${url(alice)}/connectors/s-ffffffffffff.b`, "DELETE");
    expect(other.status).toBe(403);
    const validate = await call(`${url(alice)}/connector-plugins/MockSourceConnector/config/validate`, "PUT", sourceConfig);
    expect(validate.status).toBe(403);
    expect((await call(`${url(alice)}/connectors`, "POST", "not json")).status).toBe(400);
    expect(worker.seen.filter((s) => s.method !== "GET")).toEqual([]);
  });

  it("holds a session to its number of connectors, but lets it replace one of its own", async () => {
    const worker = await fakeWorker([`${alice}.a`, `${alice}.b`]);
    const { url } = await startGate(worker.address);
    const third = await call(`${url(alice)}/connectors`, "POST", { name: `${alice}.c`, config: sourceConfig });
    expect(third.status).toBe(403);
    expect((third.body as { message: string }).message).toMatch(/You have 2 connectors.*Delete one first/);
    expect((await call(`${url(alice)}/connectors/${alice}.a/config`, "PUT", sourceConfig)).status).toBe(200);
  });

  it("refuses a body over the limit with 413", async () => {
    const worker = await fakeWorker();
    const { url } = await startGate(worker.address);
    const big = JSON.stringify({ name: `${alice}.big`, config: { ...sourceConfig, "batch.size": "x".repeat(MAX_BODY_BYTES) } });
    expect((await call(`${url(alice)}/connectors`, "POST", big)).status).toBe(413);
  });

  it("says the worker is not running when nothing answers behind it", async () => {
    const worker = await fakeWorker();
    const { url } = await startGate(worker.address);
    await closers.shift()!();
    const answer = await call(`${url(alice)}/connectors`);
    expect(answer.status).toBe(503);
    expect((answer.body as { message: string }).message).toMatch(/not running/);
  });
});
