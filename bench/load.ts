/**
 * Load check for a running server: fires N concurrent runs (40 by default) and checks that every one either
 * streams to an `end` event or is turned away with 429. Any 5xx, any other status, and any stream that stops
 * without `end` (or never stops) fails the check.
 *
 *   node bench/load.ts [url] [--runs N] [--deadline-ms MS]       (url defaults to http://127.0.0.1:4321)
 *
 * Importable: `runLoad()` returns the report, so a test can aim it at an in-process server.
 */
import { fileURLToPath } from "node:url";
import { readRunEvents } from "../runner/src/protocol/sse.ts";

export interface LoadOptions {
  url?: string;
  runs?: number;
  /** Snippet every run executes. */
  code?: string;
  /** A run with no `end` by then counts as hung. */
  deadlineMs?: number;
}

export interface LoadReport {
  runs: number;
  completed: number;
  rejected: number;
  serverErrors: number;
  otherStatus: number;
  hung: number;
  /** End reasons of the completed runs. */
  reasons: Record<string, number>;
  /** Request to `end`, over completed runs (ms). */
  p50: number;
  p95: number;
  ok: boolean;
}

type Outcome = { kind: "completed"; ms: number; reason: string } | { kind: "rejected" | "server-error" | "other-status" | "hung" };

const defaultCode = `await new Promise((resolve) => setTimeout(resolve, 200)); console.log("load ok");`;

export async function runLoad(options: LoadOptions = {}): Promise<LoadReport> {
  const url = (options.url ?? "http://127.0.0.1:4321").replace(/\/$/, "");
  const runs = options.runs ?? 40;
  const outcomes = await Promise.all(
    Array.from({ length: runs }, (_, i) => oneRun(url, options.code ?? defaultCode, options.deadlineMs ?? 120_000, i)),
  );
  const times = outcomes.flatMap((o) => (o.kind === "completed" ? [o.ms] : [])).sort((a, b) => a - b);
  const count = (kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;
  const reasons: Record<string, number> = {};
  for (const o of outcomes) if (o.kind === "completed") reasons[o.reason] = (reasons[o.reason] ?? 0) + 1;
  const report: LoadReport = {
    runs,
    completed: times.length,
    rejected: count("rejected"),
    serverErrors: count("server-error"),
    otherStatus: count("other-status"),
    hung: count("hung"),
    reasons,
    p50: percentile(times, 0.5),
    p95: percentile(times, 0.95),
    ok: false,
  };
  report.ok = report.serverErrors === 0 && report.hung === 0 && report.otherStatus === 0 && report.completed + report.rejected === runs;
  return report;
}

async function oneRun(url: string, code: string, deadlineMs: number, index: number): Promise<Outcome> {
  const started = performance.now();
  const deadline = AbortSignal.timeout(deadlineMs);
  try {
    const response = await fetch(`${url}/api/runs`, {
      method: "POST",
      // A session per run: the queue's fairness is per session, and a class is many learners.
      headers: { "content-type": "application/json", cookie: `offset_session=${index.toString(16).padStart(16, "0")}` },
      body: JSON.stringify({ code, lang: "ts" }),
      signal: deadline,
    });
    if (response.status === 429) return (await response.body?.cancel(), { kind: "rejected" });
    if (response.status >= 500) return (await response.body?.cancel(), { kind: "server-error" });
    if (response.status !== 200 || !response.body) return (await response.body?.cancel(), { kind: "other-status" });
    for await (const event of readRunEvents(response.body)) {
      if (event.event === "end") return { kind: "completed", ms: event.at - started, reason: event.data.reason };
    }
    return { kind: "hung" };
  } catch {
    // The deadline passed, or the connection broke before `end`: either way the learner saw a stuck run.
    return { kind: "hung" };
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!);
}

/** One line a person can read, and a verdict. */
export function formatReport(report: LoadReport): string {
  const reasons =
    Object.entries(report.reasons)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(", ") || "none";
  return [
    `${report.runs} runs: ${report.completed} completed (${reasons}), ${report.rejected} rejected with 429`,
    `5xx ${report.serverErrors}, other status ${report.otherStatus}, hung ${report.hung}`,
    `latency to end: p50 ${report.p50} ms, p95 ${report.p95} ms`,
    report.ok ? "OK" : "FAILED: every run must end with an `end` event or get 429",
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const flag = (name: string) => {
    const at = args.indexOf(name);
    return at === -1 ? undefined : Number(args.splice(at, 2)[1]);
  };
  const runs = flag("--runs");
  const deadlineMs = flag("--deadline-ms");
  const report = await runLoad({ ...(args[0] ? { url: args[0] } : {}), ...(runs ? { runs } : {}), ...(deadlineMs ? { deadlineMs } : {}) });
  console.log(formatReport(report));
  process.exitCode = report.ok ? 0 : 1;
}
