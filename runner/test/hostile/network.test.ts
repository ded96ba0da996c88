/**
 * Snippets that try to reach anything but the brokers. Inside, the only interface is loopback and the only
 * open ports are the bridged broker ports, so every attempt ends "ok" with the connection refused.
 * No test sends traffic anywhere but loopback: the "no way off the machine" check reads interfaces and routes.
 */
import net from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "./harness.ts";

let harness: Harness;
let runner: ServerType;
let runnerPort = 0;
let listener: net.Server;
let listenerPort = 0;
let secondLoopback: net.Server;
let secondPort = 0;
let connectionsSeen = 0;

const listen = (server: net.Server, host: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as net.AddressInfo).port)));

beforeAll(async () => {
  harness = await startHarness();
  // A stand-in for the runner's own HTTP port (same Hono server type the runner uses).
  const app = new Hono().post("/api/runs", (c) => c.json({ reached: true }));
  runner = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => runner.once("listening", resolve));
  runnerPort = (runner.address() as net.AddressInfo).port;
  listener = net.createServer((socket) => (connectionsSeen++, socket.destroy()));
  listenerPort = await listen(listener, "127.0.0.1");
  secondLoopback = net.createServer((socket) => (connectionsSeen++, socket.destroy()));
  secondPort = await listen(secondLoopback, "127.0.0.2");
});
afterAll(async () => {
  runner?.close();
  listener?.close();
  secondLoopback?.close();
  await harness?.close();
});
afterEach(async () => {
  await harness.expectNormalRunWorks();
  expect(await harness.leftovers()).toEqual([]);
  expect(connectionsSeen).toBe(0);
});

const tryConnect = (host: string, port: number) => `
  import net from "node:net";
  await new Promise((resolve) => {
    const socket = net.connect({ host: ${JSON.stringify(host)}, port: ${port} }, () => { console.log("CONNECTED"); socket.destroy(); resolve(); });
    socket.setTimeout(2000, () => { console.log("denied timeout"); socket.destroy(); resolve(); });
    socket.on("error", (error) => { console.log("denied " + error.code); resolve(); });
  });
`;

describe("hostile snippets: the network", () => {
  it("cannot reach the runner's own port", async () => {
    const outcome = await harness.run(`
      try { await fetch("http://127.0.0.1:${runnerPort}/api/runs", { method: "POST" }); console.log("CONNECTED"); }
      catch (error) { console.log("denied " + (error.cause?.code ?? error.message)); }
    `);
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toContain("denied ECONNREFUSED");
  });

  it("cannot reach another port on 127.0.0.1", async () => {
    const outcome = await harness.run(tryConnect("127.0.0.1", listenerPort));
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toContain("denied ECONNREFUSED");
  });

  it("cannot reach 127.0.0.2, nor a broker port there", async () => {
    const outcome = await harness.run(tryConnect("127.0.0.2", secondPort) + tryConnect("127.0.0.2", 19092).replace(/import net.*\n/, ""));
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).not.toContain("CONNECTED");
    expect(outcome.stdout.match(/denied ECONNREFUSED/g)).toHaveLength(2);
  });

  it("has no interface but loopback and no route off the machine", async () => {
    const outcome = await harness.run(`
      import fs from "node:fs";
      import os from "node:os";
      const read = (file) => { try { return fs.readFileSync(file, "utf8"); } catch { return ""; } };
      console.log(JSON.stringify({
        interfaces: Object.keys(os.networkInterfaces()),
        routes: read("/proc/net/route").trim().split("\\n").slice(1),
        routes6: read("/proc/net/ipv6_route").trim().split("\\n").filter((line) => line && !line.includes(" lo")),
      }));
    `);
    expect(outcome.reason).toBe("ok");
    expect(JSON.parse(outcome.stdout)).toEqual({ interfaces: ["lo"], routes: [], routes6: [] });
  });

  it("resolves localhost, and only to loopback", async () => {
    const outcome = await harness.run(`
      import dns from "node:dns/promises";
      console.log((await dns.lookup("localhost", { all: true })).map((a) => a.address).join(","));
      try { await dns.lookup("example.com"); console.log("RESOLVED"); } catch (error) { console.log("denied " + error.code); }
    `);
    expect(outcome.reason).toBe("ok");
    expect(outcome.stdout).toMatch(/^(127\.0\.0\.1|::1)(,(127\.0\.0\.1|::1))*\n/);
    expect(outcome.stdout).toContain("denied");
  });
});
