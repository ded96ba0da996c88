/**
 * bench/load.ts against an in-process server with the real sandbox engine and a small run limit: 40 runs at
 * once must each end with `end` or 429, with no 5xx and no hung stream.
 */
import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, expect, it } from "vitest";
import { errorResponse } from "../../src/app.ts";
import { formatReport, runLoad } from "../../../bench/load.ts";
import { runRoutes } from "../../src/routes/runs.ts";
import { RunManager } from "../../src/runs/manager.ts";
import { RunQueue } from "../../src/runs/queue.ts";
import { brokers, startHarness, type Harness } from "./harness.ts";

let harness: Harness;
let server: ServerType;
let url = "";

beforeAll(async () => {
  harness = await startHarness({ timeoutMs: 20_000 });
  const runs = new RunManager({
    engine: harness.engine,
    queue: new RunQueue(2, 6),
    limits: { timeoutMs: 20_000, outputBytes: 64 * 1024, memoryMb: 256, maxProcesses: 64 },
    brokers: () => brokers,
    labSession: () => "",
    exerciseCheck: () => Promise.resolve(undefined),
  });
  // The runner's own mapping of faults to status (app.ts), without the cluster routes this test does not need.
  const app = new Hono().route("/api/runs", runRoutes(runs));
  app.onError(errorResponse);
  server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  await harness?.close();
});

it("40 concurrent runs each end or get 429, with no 5xx and no hung stream", async () => {
  const report = await runLoad({ url, runs: 40, deadlineMs: 90_000 });
  expect(report.ok, formatReport(report)).toBe(true);
  expect(report.rejected).toBeGreaterThan(0);
  expect(report.completed).toBeGreaterThanOrEqual(8);
  expect(report.reasons).toEqual({ ok: report.completed });
  expect(await harness.leftovers()).toEqual([]);
});
