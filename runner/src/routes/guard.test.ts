import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ApiError } from "../errors.ts";
import { hostName, originGuard, requireJson, type OriginPolicy } from "./guard.ts";

function app(policy: OriginPolicy = { allowedOrigins: [] }): Hono {
  const hono = new Hono();
  hono.use("*", originGuard(policy));
  hono.get("/api/health", (c) => c.json({ ok: true }));
  hono.post("/api/runs", requireJson(), (c) => c.json({ ran: true }));
  hono.post("/api/cluster/brokers/3/stop", (c) => c.json({ stopped: 3 }));
  hono.onError((error, c) => (error instanceof ApiError ? c.json({ error: error.message }, error.status) : c.json({ error: "?" }, 500)));
  return hono;
}

const post = (hono: Hono, path: string, headers: Record<string, string>, body = '{"code":"1","lang":"ts"}') =>
  hono.request(`http://127.0.0.1:4321${path}`, { method: "POST", headers: { host: "127.0.0.1:4321", ...headers }, body });

describe("originGuard", () => {
  it("lets the course's own page run code", async () => {
    const response = await post(app(), "/api/runs", {
      origin: "http://127.0.0.1:4321",
      "sec-fetch-site": "same-origin",
      "content-type": "application/json",
    });
    expect(response.status).toBe(200);
  });

  it("lets clients that are not browsers through (curl, the bench, check:lessons' request API)", async () => {
    expect((await post(app(), "/api/runs", { "content-type": "application/json" })).status).toBe(200);
    expect((await post(app(), "/api/cluster/brokers/3/stop", {})).status).toBe(200);
  });

  it("refuses another site's page, naming ALLOWED_ORIGINS", async () => {
    const response = await post(app(), "/api/runs", { origin: "https://evil.example", "content-type": "application/json" });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/ALLOWED_ORIGINS/);
  });

  it("refuses a broker stop from another port of the same machine", async () => {
    const response = await post(app(), "/api/cluster/brokers/3/stop", { origin: "http://127.0.0.1:8080" });
    expect(response.status).toBe(403);
  });

  it("refuses Origin: null (sandboxed iframes, file: pages) and Sec-Fetch-Site: cross-site", async () => {
    expect((await post(app(), "/api/runs", { origin: "null", "content-type": "application/json" })).status).toBe(403);
    expect((await post(app(), "/api/runs", { "sec-fetch-site": "cross-site", "content-type": "application/json" })).status).toBe(403);
  });

  it("refuses a DNS-rebinding host on every request, reads included", async () => {
    const hono = app();
    const read = await hono.request("http://rebind.evil.example:4321/api/health", { headers: { host: "rebind.evil.example:4321" } });
    expect(read.status).toBe(403);
    expect(((await read.json()) as { error: string }).error).toMatch(/PUBLIC_URL/);
    const write = await post(hono, "/api/runs", { host: "rebind.evil.example:4321", origin: "http://rebind.evil.example:4321" });
    expect(write.status).toBe(403);
  });

  it("serves loopback names and IP literals by default", async () => {
    const hono = app();
    for (const host of ["localhost:4321", "127.0.0.1:4321", "[::1]:4321", "course.localhost", "10.1.2.3:4321"]) {
      const response = await hono.request(`http://x/api/health`, { headers: { host } });
      expect(response.status, host).toBe(200);
    }
  });

  it("serves PUBLIC_URL's host and accepts its origin, also behind a proxy that rewrites Host", async () => {
    const hono = app({ publicUrl: "https://kafka.school.example", allowedOrigins: [] });
    const direct = await post(hono, "/api/runs", {
      host: "kafka.school.example",
      origin: "https://kafka.school.example",
      "content-type": "application/json",
    });
    expect(direct.status).toBe(200);
    const proxied = await post(hono, "/api/runs", { origin: "https://kafka.school.example", "content-type": "application/json" });
    expect(proxied.status).toBe(200);
  });

  it("accepts a listed origin", async () => {
    const hono = app({ allowedOrigins: ["https://proxy.example:8443"] });
    const response = await post(hono, "/api/runs", { origin: "https://proxy.example:8443", "content-type": "application/json" });
    expect(response.status).toBe(200);
  });
});

describe("requireJson", () => {
  it("refuses a text/plain body (a form or a no-preflight fetch) with 415", async () => {
    const response = await post(app(), "/api/runs", { "content-type": "text/plain" });
    expect(response.status).toBe(415);
    expect(((await response.json()) as { error: string }).error).toMatch(/application\/json/);
  });

  it("refuses a body with no content type, accepts a charset parameter", async () => {
    expect((await post(app(), "/api/runs", {})).status).toBe(415);
    expect((await post(app(), "/api/runs", { "content-type": "application/json; charset=utf-8" })).status).toBe(200);
  });
});

describe("hostName", () => {
  it("strips ports and brackets", () => {
    expect(hostName("Example.org:80")).toBe("example.org");
    expect(hostName("[::1]:4321")).toBe("::1");
    expect(hostName("localhost")).toBe("localhost");
  });
});
