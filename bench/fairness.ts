/**
 * Fairness in a class: one learner floods the cluster at full speed while their neighbours keep running the
 * one-record snippet. Compares the neighbours' run times with and without the flood (same learners, same run,
 * classroom mode, so the per-session quotas and policy apply), and reports the flooder's throughput and how much
 * the cluster's disks grew. Reports; never judges.
 */
import crypto from "node:crypto";
import { describeLogDirs } from "../runner/src/share/wire.ts";
import { timedRun, type TimedRun } from "./lib/latency.ts";
import { round, summarize, type Summary } from "./lib/stats.ts";

export interface NeighbourFigures {
  runs: number;
  errors: number;
  toEnd: Summary;
  sampleErrors: string[];
}

export interface FairnessResult {
  floodSeconds: number;
  neighbours: number;
  quiet: NeighbourFigures;
  flooded: NeighbourFigures;
  /** flooded p95 / quiet p95 (goal: ≤ 2). */
  p95Ratio: number | undefined;
  flooder: { mibPerSecond: number | undefined; reason: string | undefined; throttled: boolean; deletedByBudget: boolean };
  diskGrowthMib: number;
}

/** The flooder: as many 100 KB records as the cluster takes, for `seconds`. */
export function floodSource(seconds: number): string {
  return `import { freshTopic, kafka } from "lab";
const name = await freshTopic("flood", { partitions: 3 });
const producer = kafka.producer();
await producer.connect();
const value = Buffer.alloc(100_000, 120);
const started = Date.now();
let bytes = 0;
while (Date.now() - started < ${seconds * 1000}) {
  try {
    await producer.send({ topic: name, acks: 1, messages: Array.from({ length: 5 }, () => ({ value })) });
    bytes += 5 * value.length;
  } catch {
    // the runner deleted the topic (disk budget); keep pushing as a careless learner would
  }
}
console.log("FLOOD " + (bytes / 1048576 / ((Date.now() - started) / 1000)).toFixed(2));
await producer.disconnect();
`;
}

/** Each neighbour runs `code` back to back until `until` (ms since epoch). */
async function neighbours(baseUrl: string, count: number, code: string, until: number): Promise<NeighbourFigures> {
  const runs: TimedRun[] = [];
  await Promise.all(
    Array.from({ length: count }, async () => {
      const cookie = crypto.randomBytes(8).toString("hex");
      // A first run sets up the session (ACLs, quotas); it is not what a flood would slow down.
      await timedRun(baseUrl, code, cookie);
      while (Date.now() < until) {
        runs.push(await timedRun(baseUrl, code, cookie));
        await new Promise((r) => setTimeout(r, 300));
      }
    }),
  );
  const ok = runs.filter((r) => r.ok);
  return {
    runs: runs.length,
    errors: runs.length - ok.length,
    toEnd: summarize(ok.map((r) => r.toEnd!)),
    sampleErrors: [...new Set(runs.filter((r) => !r.ok).map((r) => r.error ?? "unknown"))].slice(0, 3),
  };
}

async function clusterBytes(bootstrap: readonly string[]): Promise<number> {
  const sizes = await Promise.all(bootstrap.map((b) => describeLogDirs(b).catch(() => [])));
  return sizes.flat().reduce((sum, s) => sum + s.bytes, 0);
}

export async function measureFairness(options: {
  baseUrl: string;
  bootstrap: readonly string[];
  neighbours: number;
  floodSeconds: number;
  code: string;
}): Promise<FairnessResult> {
  const { baseUrl, floodSeconds } = options;
  const quiet = await neighbours(baseUrl, options.neighbours, options.code, Date.now() + floodSeconds * 1000);

  const before = await clusterBytes(options.bootstrap);
  const flooderCookie = crypto.randomBytes(8).toString("hex");
  // The flooder starts first and gets a head start, so the neighbours are measured while it is at full speed.
  const flood = timedRunWithOutput(baseUrl, floodSource(floodSeconds), flooderCookie);
  await new Promise((r) => setTimeout(r, 3000));
  const flooded = await neighbours(baseUrl, options.neighbours, options.code, Date.now() + (floodSeconds - 5) * 1000);
  const flooder = await flood;
  const after = await clusterBytes(options.bootstrap);

  return {
    floodSeconds,
    neighbours: options.neighbours,
    quiet,
    flooded,
    p95Ratio: quiet.toEnd.p95 && flooded.toEnd.p95 ? round(flooded.toEnd.p95 / quiet.toEnd.p95, 2) : undefined,
    flooder: {
      mibPerSecond: flooder.rate,
      reason: flooder.reason,
      throttled: /Kafka is throttling this client/.test(flooder.stderr),
      deletedByBudget: /Offset deleted your topic/.test(flooder.stderr),
    },
    diskGrowthMib: round((after - before) / (1024 * 1024), 1),
  };
}

/** One run, keeping its output (the flooder's own throughput line and the runner's notices). */
async function timedRunWithOutput(
  baseUrl: string,
  code: string,
  cookie: string,
): Promise<{ rate: number | undefined; reason: string | undefined; stderr: string }> {
  const run = await timedRun(baseUrl, code, cookie);
  const rate = /FLOOD ([\d.]+)/.exec(run.stdout ?? "")?.[1];
  return { rate: rate ? Number(rate) : undefined, reason: run.reason ?? run.error, stderr: run.stderr ?? "" };
}
