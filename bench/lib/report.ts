/** The results file's shape, the targets they are read against, and the markdown summary. */
import type { FairnessResult } from "../fairness.ts";
import type { LoadReport } from "../load.ts";
import type { FailoverTrial } from "./cluster.ts";
import type { LearnersResult } from "./learners.ts";
import type { Summary } from "./stats.ts";
import type { PageWeight } from "./weight.ts";

type Phases = Partial<Record<string, Summary>>;
export interface SeriesResult {
  toFirstStdout: Summary;
  toEnd: Summary;
  errors: number;
  sampleError?: string | undefined;
  /** Runs whose snippet ran in a process started before the request (a warm-pool hit). */
  prestarted?: number | undefined;
  phases?: Phases | undefined;
}

export interface Results {
  mode: "smoke" | "full";
  startedAt: string;
  finishedAt?: string;
  machine: { cores: number; memoryGb: number; loadavg: number[]; node: string };
  build?: { seconds?: number; pages?: number; skipped?: string };
  cluster?: { coldStartMs: number; coldStartKind?: string; warmRestartMs?: number; stopMs?: number; failover: FailoverTrial[] };
  latency: {
    bare?: SeriesResult;
    direct?: SeriesResult;
    sandboxWarm?: SeriesResult;
    sandboxCold?: SeriesResult;
    process?: SeriesResult;
    lessonSnippet?: SeriesResult;
  };
  load?: LearnersResult[];
  burst?: LoadReport;
  fairness?: FairnessResult;
  browser?: { cold: Summary; warm: Summary };
  weight?: { lesson?: PageWeight | undefined; plain?: PageWeight | undefined };
  memory?: {
    idle: { runnerMb: number; brokersMb: number; totalMb: number };
    underLoad?: { learners: number; p50TotalMb: number; maxTotalMb: number };
  };
  ratios?: Record<string, number>;
  problems: string[];
}

interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean | undefined;
  /** Where the time goes, when missed. */
  why?: string | undefined;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${Math.round(v)} ms`);
const s = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${(v / 1000).toFixed(1)} s`);
const x = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "–" : `${v.toFixed(2)}×`);
const kb = (v: number | undefined) => (v === undefined ? "–" : `${v.toFixed(1)} KB`);
const status = (met: boolean | undefined) => (met === undefined ? "not measured" : met ? "met" : "**missed**");

function phaseLine(phases: Phases | undefined): string {
  if (!phases) return "";
  const names: Record<string, string> = {
    queue: "POST→start (HTTP + queue)",
    toSnippet: "POST→snippet's first line (queue, transpile, sandbox, imports)",
    connect: "kafkajs connect",
    produce: "produce (acks=all, RF 3)",
    relay: "output relay to the client",
    finish: "disconnect, exit, teardown",
  };
  return Object.entries(phases)
    .filter(([, v]) => v !== undefined && v.n > 0)
    .map(([k, v]) => `${names[k] ?? k} ${ms(v?.p50)}`)
    .join("; ");
}

function median(values: (number | undefined)[]): number | undefined {
  const ok = values.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : undefined;
}

export function targets(r: Results): Target[] {
  const warm = r.latency.sandboxWarm;
  const firstOutput = warm?.toFirstStdout.p50;
  const vsBare = r.ratios?.firstOutputVsBare;
  const sixteen = r.load?.find((l) => l.learners === 16);
  const js = r.weight?.lesson?.beforeInteraction.jsWireKb;
  const editor = r.weight?.lesson?.afterEditor?.totalWireKb;
  const second = r.weight?.lesson?.secondVisit;
  const newLeader = median(r.cluster?.failover.map((f) => f.newLeaderMs) ?? []);
  const direct = r.latency.direct;
  const latencyWhy =
    warm &&
    `of the ${ms(firstOutput)}: ${phaseLine(warm.phases)}. Outside the runner the same code takes ${ms(direct?.toFirstStdout.p50)} to its first line ` +
      `(process start to first line ${ms(direct?.phases?.toSnippet?.p50)}, connect ${ms(direct?.phases?.connect?.p50)}, produce ${ms(direct?.phases?.produce?.p50)}); a bare node spawn takes ${ms(r.latency.bare?.toFirstStdout.p50)}.`;
  return [
    {
      name: "Run → first output, p50 (sandbox, warm pool)",
      goal: "≤ 150 ms",
      value: ms(firstOutput),
      met: firstOutput === undefined ? undefined : firstOutput <= 150,
      why: latencyWhy,
    },
    {
      name: "Run → first output vs bare `node -e` spawn",
      goal: "≤ 3×",
      value: x(vsBare),
      met: vsBare === undefined || Number.isNaN(vsBare) ? undefined : vsBare <= 3,
      why: latencyWhy,
    },
    {
      name: "16 learners: p95 to end, errors",
      goal: "≤ 1.5 s, 0 errors",
      value: sixteen ? `${ms(sixteen.toEnd.p95)}, ${sixteen.errors} errors` : "–",
      met: sixteen ? sixteen.toEnd.p95 <= 1500 && sixteen.errors === 0 : undefined,
      why:
        sixteen &&
        `p95 by phase: POST→start (queue wait) ${ms(sixteen.phases.queue.p95)}, POST→snippet start ${ms(sixteen.phases.toSnippet.p95)}, connect ${ms(sixteen.phases.connect.p95)}, produce ${ms(sixteen.phases.produce.p95)}, finish ${ms(sixteen.phases.finish.p95)}; throughput ${sixteen.runsPerSecond} runs/s, so 16 runs at once wait on average ≈ ${ms((16 / Math.max(sixteen.runsPerSecond, 0.01)) * 1000)} for a worker.`,
    },
    {
      name: "JavaScript before interaction (lesson page, on the wire)",
      goal: "≤ 80 KB",
      value: kb(js),
      met: js === undefined ? undefined : js <= 80,
      why: r.weight?.lesson && `largest scripts: ${r.weight.lesson.largestJs.map((l) => `${l.url} ${kb(l.wireKb)}`).join(", ")}`,
    },
    {
      name: "The editor, everything on the wire (lesson page + editor)",
      goal: "≤ 3 MB",
      value: kb(editor),
      met: editor === undefined ? undefined : editor <= 3 * 1024,
    },
    {
      name: "Second visit: JavaScript fetched again",
      goal: "0 requests",
      value: second ? `${second.jsRequests} requests, ${kb(second.jsWireKb)}` : "–",
      met: second ? second.jsRequests === 0 : undefined,
    },
    {
      name: "Cluster cold start (format + 3 nodes ready)",
      goal: "≤ 25 s",
      value: s(r.cluster?.coldStartMs),
      met: r.cluster && r.cluster.coldStartKind === "fresh data" ? r.cluster.coldStartMs <= 25_000 : undefined,
      why: "three JVMs start at once on a shared CPU; each waits for the KRaft quorum and its own start-up (see cluster logs).",
    },
    {
      name: "Broker stop → new leader reported",
      goal: "≤ 5 s",
      value: ms(newLeader),
      met: newLeader === undefined ? undefined : newLeader <= 5000,
      why: `the stop call itself took ${ms(median(r.cluster?.failover.map((f) => f.stopCallMs) ?? []))} (a graceful shutdown moves leadership before the process exits).`,
    },
  ];
}

function summaryRow(label: string, r: SeriesResult | undefined, bare: number | undefined): string {
  if (!r) return `| ${label} | – | – | – | – | – | – |`;
  const vs = bare && r.toFirstStdout.n ? r.toFirstStdout.p50 / bare : undefined;
  return `| ${label} | ${r.toFirstStdout.n + r.errors} | ${ms(r.toFirstStdout.p50)} | ${ms(r.toFirstStdout.p95)} | ${ms(r.toEnd.p50)} | ${ms(r.toEnd.p95)} | ${x(vs)} |`;
}

export function renderMarkdown(r: Results): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(
    `Benchmarks (${r.mode}) on ${m.cores} cores, ${m.memoryGb} GB, Node ${m.node}, load average ${m.loadavg.join(" / ")} at start; ${r.startedAt.slice(0, 16).replace("T", " ")} UTC.`,
    "Medians (p50) and p95 over repeated runs; ratios are against baselines measured in the same run. On a shared or busy machine the absolute figures move; the ratios move less.",
    "",
    "### Targets",
    "",
    "| target | goal | measured | |",
    "|---|---|---|---|",
  );
  const ts = targets(r);
  for (const t of ts) lines.push(`| ${t.name} | ${t.goal} | ${t.value} | ${status(t.met)} |`);
  const missed = ts.filter((t) => t.met === false && t.why);
  if (missed.length) {
    lines.push("", "Where the time goes for the targets missed:", "");
    for (const t of missed) lines.push(`- **${t.name}**: ${t.why}`);
  }

  const bare = r.latency.bare?.toFirstStdout.p50;
  lines.push(
    "",
    "### Run latency (one learner, produce one record and print its offset)",
    "",
    "| variant | runs | first output p50 | p95 | end p50 | p95 | first output vs bare spawn |",
    "|---|---|---|---|---|---|---|",
    summaryRow('bare `node -e "console.log(1)"` spawn', r.latency.bare, bare),
    summaryRow("same kafkajs code, `node` directly (no runner)", r.latency.direct, bare),
    summaryRow("runner, sandbox, warm pool (default)", r.latency.sandboxWarm, bare),
    summaryRow("runner, sandbox, no warm pool (`RUN_WARM_POOL=0`)", r.latency.sandboxCold, bare),
    summaryRow("runner, process engine (no isolation)", r.latency.process, bare),
    summaryRow("runner, lesson 1 `produce.ts` (fresh topic + produce)", r.latency.lessonSnippet, bare),
    "",
  );
  if (r.latency.sandboxWarm?.phases) {
    const w = r.latency.sandboxWarm;
    lines.push(
      `Sandbox (warm pool) p50 by phase: ${phaseLine(w.phases)}; ${w.prestarted ?? 0} of ${w.toEnd.n} runs found a sandbox already started.`,
    );
  }
  if (r.latency.sandboxCold?.phases) lines.push(`Sandbox (no warm pool) p50 by phase: ${phaseLine(r.latency.sandboxCold.phases)}.`);
  if (r.latency.process?.phases) lines.push(`Process engine p50 by phase: ${phaseLine(r.latency.process.phases)}.`);
  if (r.ratios) lines.push(`Runner end-to-end vs the same code run directly: ${x(r.ratios.endVsDirect)} (p50 to end).`);

  if (r.load?.length) {
    lines.push(
      "",
      "### Concurrent learners (each its own session, runs back to back)",
      "",
      "| learners | runs | runs/s | end p50 | end p95 | first output p50 | queue wait p95 | errors | 429s |",
      "|---|---|---|---|---|---|---|---|---|",
    );
    for (const l of r.load) {
      lines.push(
        `| ${l.learners} | ${l.completed + l.errors} | ${l.runsPerSecond} | ${ms(l.toEnd.p50)} | ${ms(l.toEnd.p95)} | ${ms(l.toFirstStdout.p50)} | ${ms(l.phases.queue.p95)} | ${l.errors} | ${l.rejected429} |`,
      );
    }
    const errs = r.load.flatMap((l) => l.sampleErrors);
    if (errs.length)
      lines.push(
        "",
        `Errors seen: ${errs
          .slice(0, 3)
          .map((e) => `\`${e.replace(/\s+/g, " ").slice(0, 160)}\``)
          .join("; ")}`,
      );
  }
  if (r.burst) {
    const b = r.burst;
    lines.push(
      "",
      `Burst of ${b.runs} runs at once (bench/load.ts): ${b.completed} ended (${
        Object.entries(b.reasons)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none"
      }), ${b.rejected} got 429, ${b.hung} hung, ${b.serverErrors} 5xx; end p50 ${ms(b.p50)}, p95 ${ms(b.p95)}.`,
    );
  }

  if (r.fairness) {
    const f = r.fairness;
    const row = (label: string, n: FairnessResult["quiet"]) =>
      `| ${label} | ${n.runs} | ${n.errors} | ${ms(n.toEnd.p50)} | ${ms(n.toEnd.p95)} |`;
    lines.push(
      "",
      `### Fairness: one learner floods for ${f.floodSeconds} s while ${f.neighbours} others run the one-record snippet (classroom mode)`,
      "",
      "| neighbours' runs | runs | errors | end p50 | end p95 |",
      "|---|---|---|---|---|",
      row("without the flood", f.quiet),
      row("during the flood", f.flooded),
      "",
      `p95 during / without: ${f.p95Ratio ?? "n/a"}× (goal ≤ 2×, 0 errors). The flooder got ${f.flooder.mibPerSecond ?? "?"} MiB/s` +
        ` (${f.flooder.throttled ? "throttled by its quota, and told so" : "not throttled"}${f.flooder.deletedByBudget ? "; its topic was deleted for its disk budget" : ""}; run ended ${f.flooder.reason ?? "?"}).` +
        ` The cluster's disks grew ${f.diskGrowthMib} MiB (every replica).`,
    );
    const errs = [...f.quiet.sampleErrors, ...f.flooded.sampleErrors];
    if (errs.length) lines.push("", `Neighbours' errors: ${errs.map((e) => `\`${e.replace(/\s+/g, " ").slice(0, 160)}\``).join("; ")}`);
  }

  if (r.browser) {
    lines.push(
      "",
      "### In the browser (Chromium, lesson 1, first snippet)",
      "",
      "| click on Run → first output line painted | p50 | p95 | trials |",
      "|---|---|---|---|",
      `| cold (fresh page: the click also loads the editor) | ${ms(r.browser.cold.p50)} | ${ms(r.browser.cold.p95)} | ${r.browser.cold.n} |`,
      `| warm (second run on the same page) | ${ms(r.browser.warm.p50)} | ${ms(r.browser.warm.p95)} | ${r.browser.warm.n} |`,
    );
    const api = r.latency.lessonSnippet?.toFirstStdout.p50;
    if (api !== undefined)
      lines.push(
        "",
        `The same snippet through the API alone reaches its first output in ${ms(api)} (p50); most of the click-to-paint time is the snippet itself (it recreates its topic before producing).`,
      );
  }

  if (r.weight) {
    lines.push(
      "",
      "### Page weight (bytes on the wire, fresh cache)",
      "",
      "| page | requests | JS | total | after the editor loads: JS | total |",
      "|---|---|---|---|---|---|",
    );
    for (const [label, w] of [
      ["lesson 1 (`" + LESSON + "`)", r.weight.lesson],
      ["plain Starlight page (`/`)", r.weight.plain],
    ] as const) {
      if (!w) continue;
      lines.push(
        `| ${label} | ${w.beforeInteraction.requests} | ${kb(w.beforeInteraction.jsWireKb)} | ${kb(w.beforeInteraction.totalWireKb)} | ${kb(w.afterEditor?.jsWireKb)} | ${kb(w.afterEditor?.totalWireKb)} |`,
      );
    }
    if (r.ratios?.lessonJsVsPlain) lines.push("", `Lesson page JS before interaction vs the plain page: ${x(r.ratios.lessonJsVsPlain)}.`);
    const w = r.weight.lesson;
    if (w) {
      lines.push(
        `Decoded, the lesson page's JavaScript is ${kb(w.beforeInteraction.jsRawKb)} and the editor's ${kb(w.afterEditor?.jsRawKb)}; a second visit fetched ${w.secondVisit ? `${w.secondVisit.jsRequests} scripts (${kb(w.secondVisit.jsWireKb)})` : "–"}.`,
      );
    }
  }

  lines.push("", "### Cluster, build and memory", "", "| measure | value |", "|---|---|");
  if (r.cluster) {
    lines.push(
      `| cluster start, ${r.cluster.coldStartKind === "fresh data" ? "cold (data deleted: format + 3 nodes ready)" : "smoke (existing data kept)"} | ${s(r.cluster.coldStartMs)} |`,
    );
    if (r.cluster.warmRestartMs !== undefined)
      lines.push(`| cluster warm restart (stop ${s(r.cluster.stopMs)}, then start) | ${s(r.cluster.warmRestartMs)} |`);
    r.cluster.failover.forEach((f, i) => {
      lines.push(
        `| failover ${i + 1}: leader (broker ${f.stoppedBroker}) stopped → new leader reported | ${ms(f.newLeaderMs)} (stop call ${ms(f.stopCallMs)}, out of ISR ${ms(f.leftIsrMs)}) |`,
        `| failover ${i + 1}: broker started → back in ISR | ${ms(f.backInIsrMs)} (start call ${ms(f.startCallMs)}) |`,
      );
    });
  }
  if (r.build)
    lines.push(
      `| full site build (\`astro build\`) | ${r.build.seconds !== undefined ? `${r.build.seconds} s, ${r.build.pages} pages` : r.build.skipped} |`,
    );
  if (r.memory) {
    lines.push(
      `| resident memory, idle (runner ${r.memory.idle.runnerMb} MB + brokers ${r.memory.idle.brokersMb} MB) | ${r.memory.idle.totalMb} MB |`,
    );
    if (r.memory.underLoad)
      lines.push(
        `| resident memory, ${r.memory.underLoad.learners} learners running (p50 / max) | ${r.memory.underLoad.p50TotalMb} / ${r.memory.underLoad.maxTotalMb} MB |`,
      );
  }
  if (r.problems.length) lines.push("", "Could not measure:", "", ...r.problems.map((p) => `- ${p}`));
  return `${lines.join("\n")}\n`;
}

const LESSON = "/events-and-the-log/your-first-event/";
