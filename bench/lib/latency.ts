/**
 * One run, timed from the client's side and from inside the snippet. The snippet stamps the wall clock at its
 * first line, after connecting and after the produce, so a slow run can be split into: getting to the snippet
 * (HTTP, queue, transpile, sandbox start), kafkajs connect, produce, and relaying the output back.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { readRunEvents } from "../../runner/src/protocol/sse.ts";
import { repoRoot } from "./stack.ts";
import { wallNow } from "./stats.ts";

export const LATENCY_TOPIC = "bench-latency";

/** Stamps printed by the snippet, all wall-clock ms since the epoch. */
export interface SnippetStamps {
  /** When the Node process that ran the snippet started (a warm sandbox started before the request). */
  processStart: number;
  /** The snippet's first line ran. */
  t0: number;
  /** producer.connect() resolved. */
  connected: number;
  /** producer.send() resolved. */
  sent: number;
  /** producer.disconnect() resolved. */
  disconnected: number;
}

const stampCode = (clock: string) => `const stamp = () => ${clock};`;

/** The snippet learners' code looks like: produce one record, print its offset. Timing goes to a last line. */
export const snippetSource = `import { kafka, topic } from "lab";
${stampCode("performance.timeOrigin + performance.now()")}
const t0 = stamp();
const producer = kafka.producer();
await producer.connect();
const connected = stamp();
const [result] = await producer.send({ topic: topic("${LATENCY_TOPIC}"), messages: [{ key: "k", value: "hello" }] });
const sent = stamp();
console.log(\`offset \${result!.baseOffset}\`);
await producer.disconnect();
const disconnected = stamp();
console.log(\`BENCH \${JSON.stringify({ processStart: performance.timeOrigin, t0, connected, sent, disconnected })}\`);
`;

export interface TimedRun {
  ok: boolean;
  status: number;
  error?: string | undefined;
  /** Client-side ms from sending the POST. */
  toStart?: number | undefined;
  toFirstStdout?: number | undefined;
  toEnd?: number | undefined;
  /** Position events seen (a run that waited in the queue). */
  queued: boolean;
  stamps?: SnippetStamps | undefined;
  posted: number;
  /** What the run printed, and how it ended. */
  stdout?: string;
  stderr?: string;
  reason?: string | undefined;
}

/** POSTs `code` as a learner with `cookie`, reading the event stream as it arrives. */
export async function timedRun(baseUrl: string, code: string, cookie?: string): Promise<TimedRun> {
  const posted = wallNow();
  const result: TimedRun = { ok: false, status: 0, queued: false, posted };
  let response: Response;
  try {
    response = await fetch(`${baseUrl}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(cookie ? { cookie: `offset_session=${cookie}` } : {}) },
      body: JSON.stringify({ code, lang: "ts" }),
    });
  } catch (error) {
    return { ...result, error: `request failed: ${String(error)}` };
  }
  result.status = response.status;
  if (!response.ok || !response.body) {
    result.error = `HTTP ${response.status}: ${(await response.text().catch(() => "")).slice(0, 200)}`;
    return result;
  }
  let stdout = "";
  let stderr = "";
  let reason: string | undefined;
  // The reader stamps each event with performance.now() as it arrives; wallNow() shares that clock.
  const origin = performance.timeOrigin;
  for await (const event of readRunEvents(response.body)) {
    const at = origin + event.at - posted;
    if (event.event === "queue") result.queued = true;
    if (event.event === "start") result.toStart = at;
    if (event.event === "stdout") {
      result.toFirstStdout ??= at;
      stdout += event.data.text;
    }
    if (event.event === "stderr") stderr += event.data.text;
    if (event.event === "end") {
      result.toEnd = at;
      reason = event.data.reason;
    }
  }
  result.stamps = parseStamps(stdout);
  result.stdout = stdout;
  result.stderr = stderr;
  result.reason = reason;
  result.ok = reason === "ok";
  if (!result.ok) result.error = `ended ${reason ?? "without an end event"}: ${(stderr || stdout).trim().slice(0, 300)}`;
  return result;
}

function parseStamps(stdout: string): SnippetStamps | undefined {
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH "));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(6)) as SnippetStamps;
  } catch {
    return undefined;
  }
}

export interface SpawnTiming {
  ok: boolean;
  toFirstStdout?: number | undefined;
  toExit: number;
  stamps?: SnippetStamps | undefined;
  error?: string | undefined;
}

/** Spawns node with `args`, timing the first stdout byte and the exit. */
export function timedSpawn(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<SpawnTiming> {
  return new Promise((resolve) => {
    const started = wallNow();
    let first: number | undefined;
    let stdout = "";
    let stderr = "";
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.on("data", (chunk: Buffer) => {
      first ??= wallNow() - started;
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => {
      resolve({
        ok: code === 0,
        toFirstStdout: first,
        toExit: wallNow() - started,
        stamps: parseStamps(stdout),
        ...(code === 0 ? {} : { error: `exit ${code}: ${stderr.trim().slice(0, 300)}` }),
      });
    });
  });
}

/** The floor: what starting any Node process and printing one line costs on this machine right now. */
export function bareNodeSpawn(): Promise<SpawnTiming> {
  return timedSpawn(["-e", "console.log(1)"]);
}

/**
 * The same kafkajs code run directly with node, outside the runner: a temp .mjs importing kafkajs from the
 * project's node_modules, with the lab client's settings. The difference to a runner run is what the runner adds.
 */
export function writeDirectScript(bootstrap: readonly string[]): { file: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-bench-direct-"));
  const kafkajs = createRequire(path.join(repoRoot, "package.json")).resolve("kafkajs");
  const file = path.join(dir, "direct.mjs");
  fs.writeFileSync(
    file,
    `import kafkajs from ${JSON.stringify(kafkajs)};
const { Kafka, logLevel } = kafkajs;
${stampCode("performance.timeOrigin + performance.now()")}
const t0 = stamp();
const kafka = new Kafka({ clientId: "offset-lab", brokers: ${JSON.stringify(bootstrap)}, connectionTimeout: 3000, requestTimeout: 10000, retry: { retries: 3, initialRetryTime: 200 }, logLevel: logLevel.ERROR });
const producer = kafka.producer();
await producer.connect();
const connected = stamp();
const [result] = await producer.send({ topic: ${JSON.stringify(LATENCY_TOPIC)}, messages: [{ key: "k", value: "hello" }] });
const sent = stamp();
console.log(\`offset \${result.baseOffset}\`);
await producer.disconnect();
const disconnected = stamp();
console.log(\`BENCH \${JSON.stringify({ processStart: performance.timeOrigin, t0, connected, sent, disconnected })}\`);
`,
  );
  return { file, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function directRun(file: string): Promise<SpawnTiming> {
  return timedSpawn([file], { PATH: process.env.PATH, KAFKAJS_NO_PARTITIONER_WARNING: "1" });
}

/** Where a runner run's time went, per phase, in ms (see SnippetStamps). */
export interface Breakdown {
  /** POST to the `start` event: HTTP, queue wait. */
  queue?: number | undefined;
  /** POST to the snippet's first line: everything before learner code runs (queue, transpile, sandbox, imports). */
  toSnippet: number;
  connect: number;
  produce: number;
  /** Produce done to the offset line reaching the client. */
  relay?: number | undefined;
  /** Offset printed to the `end` event: disconnect, process exit, sandbox teardown. */
  finish?: number | undefined;
  /** The snippet's process started before the request: the run got a warm sandbox. */
  prestarted: boolean;
}

export function breakdown(run: TimedRun): Breakdown | undefined {
  const s = run.stamps;
  if (!s) return undefined;
  return {
    queue: run.toStart,
    toSnippet: s.t0 - run.posted,
    connect: s.connected - s.t0,
    produce: s.sent - s.connected,
    relay: run.toFirstStdout !== undefined ? run.posted + run.toFirstStdout - s.sent : undefined,
    finish: run.toEnd !== undefined ? run.posted + run.toEnd - s.sent : undefined,
    prestarted: s.processStart < run.posted,
  };
}
