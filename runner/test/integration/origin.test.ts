/**
 * Browser-origin protection on the real server: a foreign page's request, a DNS-rebinding host and a non-JSON
 * body are refused before any route runs, while the course's own page and plain clients keep working.
 * (A snippet refused here would have run learner code; a broker stop refused here would have stopped a broker.)
 */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const own = new URL(base);
const code = JSON.stringify({ code: `console.log("ran")`, lang: "ts" });

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: unknown };
  expect(typeof body.error).toBe("string");
  return body.error as string;
}

/** node:http, not fetch: fetch refuses to set Host and Origin itself. */
async function raw(
  path: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const http = await import("node:http");
  return new Promise((resolve, reject) => {
    const request = http.request({ host: own.hostname, port: own.port, path, method, headers }, (response) => {
      let text = "";
      response.on("data", (chunk: Buffer) => (text += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

describe("a page on another site", () => {
  it("cannot run code with a text/plain body (no CORS preflight)", async () => {
    const response = await raw("/api/runs", "POST", { origin: "https://evil.example", "content-type": "text/plain" }, code);
    expect(response.status).toBe(403);
    expect(response.text).toMatch(/ALLOWED_ORIGINS/);
    expect(response.text).not.toMatch(/ran/);
  });

  it("cannot stop a broker", async () => {
    const response = await raw("/api/cluster/brokers/3/stop", "POST", { origin: "https://evil.example" });
    expect(response.status).toBe(403);
    const health = (await (await fetch(`${base}/api/health`)).json()) as { cluster: { brokers: { id: number; up: boolean }[] } };
    expect(health.cluster.brokers.find((b) => b.id === 3)?.up).toBe(true);
  });

  it("cannot reset a learner's session, and Origin: null or Sec-Fetch-Site: cross-site are refused too", async () => {
    expect((await raw("/api/session", "DELETE", { origin: "https://evil.example" })).status).toBe(403);
    expect((await raw("/api/runs", "POST", { origin: "null", "content-type": "application/json" }, code)).status).toBe(403);
    expect((await raw("/api/runs", "POST", { "sec-fetch-site": "cross-site", "content-type": "application/json" }, code)).status).toBe(403);
    expect((await raw("/api/runs/x/cancel", "POST", { origin: `http://127.0.0.1:${Number(own.port) + 1}` })).status).toBe(403);
  });
});

describe("a DNS-rebinding page", () => {
  it("is refused on reads and writes, with a message naming PUBLIC_URL", async () => {
    const host = `rebind.evil.example:${own.port}`;
    const read = await raw("/api/cluster", "GET", { host });
    expect(read.status).toBe(403);
    expect(read.text).toMatch(/PUBLIC_URL/);
    const write = await raw("/api/runs", "POST", { host, origin: `http://${host}`, "content-type": "application/json" }, code);
    expect(write.status).toBe(403);
  });
});

describe("JSON endpoints", () => {
  it("answer 415 to a body that is not JSON, saying which header to send", async () => {
    const response = await fetch(`${base}/api/runs`, { method: "POST", headers: { "content-type": "text/plain" }, body: code });
    expect(response.status).toBe(415);
    expect(await errorOf(response)).toMatch(/Content-Type: application\/json/);
  });
});

describe("the course's own clients", () => {
  it("the course's page (same origin, as a browser sends it) runs code", async () => {
    const run = await collectRun(base, JSON.parse(code) as object, { headers: { origin: own.origin, "sec-fetch-site": "same-origin" } });
    expect(run.status).toBe(200);
    expect(run.stdout).toContain("ran");
  });

  it("curl-like clients with the right headers run code", async () => {
    const run = await collectRun(base, JSON.parse(code) as object);
    expect(run.end?.reason).toBe("ok");
    expect(run.stdout).toContain("ran");
  });

  it("localhost and the IP both serve the site", async () => {
    expect((await raw("/", "GET", { host: `localhost:${own.port}` })).status).toBe(200);
    expect((await raw("/", "GET", { host: `127.0.0.1:${own.port}` })).status).toBe(200);
  });
});
