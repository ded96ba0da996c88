/**
 * `npm run bench` (full) and `npm run bench:smoke` (every measurement once or twice, under 3 minutes, for CI).
 *
 * Brings up its own 3-node cluster (KAFKA_PORT, default 25092: below the kernel's ephemeral range, so no outgoing
 * connection holds one of its ports) and its own runner (BENCH_PORT, default 4700), so a course already running on
 * this machine is neither used nor disturbed, and stops both at the end. It first checks
 * that all those ports are free on 127.0.0.1 and, if one is not, stops at once and names the process holding it. Writes
 * bench/results/latest.{json,md} (smoke: smoke.{json,md}) and prints the summary table.
 *
 * Machines differ and shared machines are noisy, so every figure that matters is also given as a ratio to a
 * baseline measured in the same run. Benchmarks report; they never fail on a slow figure. The exit code is
 * non-zero only when a measurement could not be taken at all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { measureFairness } from "./fairness.ts";
import { runLoad } from "./load.ts";
import { pageWeight } from "./page-weight.ts";
import { buildSite } from "./lib/build.ts";
import { browserTrial, launchBrowser, LESSON_PATH } from "./lib/browser.ts";
import { coldStart, ensureTopic, failoverTrial, warmRestart, type FailoverTrial } from "./lib/cluster.ts";
import {
  bareNodeSpawn,
  breakdown,
  directRun,
  LATENCY_TOPIC,
  snippetSource,
  timedRun,
  writeDirectScript,
  type SpawnTiming,
  type TimedRun,
} from "./lib/latency.ts";
import { runLearners, type LearnersResult } from "./lib/learners.ts";
import { renderMarkdown, type Results } from "./lib/report.ts";
import { BenchStack, machine, repoRoot, sleep, type RunnerEnv } from "./lib/stack.ts";
import { ratio, summarize, type Summary } from "./lib/stats.ts";

const smoke = process.argv.includes("--smoke");
const plan = smoke
  ? {
      latencyRuns: 4,
      warmup: 1,
      baselineRuns: 4,
      compareRuns: 3,
      lessonRuns: 1,
      levels: [1, 4],
      runsEach: 2,
      burst: 8,
      browserTrials: 1,
      failoverTrials: 1,
      warmRestart: false,
      coldEngine: false,
      fairness: { neighbours: 3, floodSeconds: 10 },
    }
  : {
      latencyRuns: 20,
      warmup: 2,
      baselineRuns: 15,
      compareRuns: 10,
      lessonRuns: 3,
      levels: [1, 4, 16, 40],
      runsEach: 3,
      burst: 40,
      browserTrials: 3,
      failoverTrials: 2,
      warmRestart: true,
      coldEngine: true,
      fairness: { neighbours: 8, floodSeconds: 30 },
    };
/** A learner reads the output before pressing Run again; it also lets the warm pool refill as it would in class. */
const PAUSE_BETWEEN_RUNS_MS = 500;

const log = (line: string) => console.log(`[bench] ${line}`);
const results: Results = {
  mode: smoke ? "smoke" : "full",
  startedAt: new Date().toISOString(),
  machine: machine(),
  latency: {},
  problems: [],
};

/** Runs one measurement; a failure is recorded and the rest of the suite carries on. */
async function section<T>(name: string, fn: () => Promise<T>): Promise<T | undefined> {
  log(`${name}…`);
  const started = Date.now();
  try {
    const value = await fn();
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return value;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log(`${name}: FAILED: ${message}`);
    results.problems.push(`${name}: ${message.split("\n")[0]}`);
    return undefined;
  }
}

function spawnSummary(runs: SpawnTiming[]): { toFirstStdout: Summary; toEnd: Summary; errors: number } {
  const ok = runs.filter((r) => r.ok);
  return {
    toFirstStdout: summarize(ok.map((r) => r.toFirstStdout!)),
    toEnd: summarize(ok.map((r) => r.toExit)),
    errors: runs.length - ok.length,
  };
}

/** Sequential runs through the API, as one learner pressing Run; the first `warmup` are not counted. */
async function apiSeries(stack: BenchStack, count: number, warmup: number, code = snippetSource): Promise<TimedRun[]> {
  const runs: TimedRun[] = [];
  for (let i = 0; i < count + warmup; i++) {
    const run = await timedRun(stack.url, code);
    if (i >= warmup) runs.push(run);
    await sleep(PAUSE_BETWEEN_RUNS_MS);
  }
  const failed = runs.filter((r) => !r.ok);
  if (failed.length === runs.length) throw new Error(`every run failed: ${failed[0]?.error}`);
  return runs;
}

function seriesSummary(runs: TimedRun[]) {
  const ok = runs.filter((r) => r.ok);
  const phases = ok.map(breakdown).filter((b) => b !== undefined);
  const pick = (f: (b: NonNullable<ReturnType<typeof breakdown>>) => number | undefined) =>
    summarize(phases.map(f).filter((v): v is number => v !== undefined));
  return {
    toFirstStdout: summarize(ok.map((r) => r.toFirstStdout!)),
    toEnd: summarize(ok.map((r) => r.toEnd!)),
    errors: runs.length - ok.length,
    sampleError: runs.find((r) => !r.ok)?.error,
    prestarted: phases.filter((b) => b.prestarted).length,
    phases: {
      queue: pick((b) => b.queue),
      toSnippet: pick((b) => b.toSnippet),
      connect: pick((b) => b.connect),
      produce: pick((b) => b.produce),
      relay: pick((b) => b.relay),
      finish: pick((b) => b.finish),
    },
  };
}

async function main(): Promise<void> {
  const home = process.env.OFFSET_HOME ?? path.join(os.homedir(), ".cache", "offset");
  const stack = new BenchStack({
    home,
    kafkaPort: Number(process.env.KAFKA_PORT ?? 25092),
    httpPort: Number(process.env.BENCH_PORT ?? 4700),
  });
  // Something else on our ports would fail the runner or a broker minutes from now, after the build, without saying who.
  const problem = await stack.portProblem();
  if (problem) {
    console.error(`[bench] ${problem}`);
    process.exit(1);
  }
  let siteDir: string | undefined;
  let builtHere = false;
  const stopAll = async () => {
    await stack.stop().catch(() => {});
    if (builtHere && siteDir) fs.rmSync(siteDir, { recursive: true, force: true });
  };
  process.on("SIGINT", () => void stopAll().then(() => process.exit(130)));

  try {
    // The build goes first, before the brokers exist, so it does not compete with them for the CPU.
    const existing = path.join(repoRoot, "dist");
    if (smoke && fs.existsSync(path.join(existing, "index.html"))) {
      siteDir = existing;
      results.build = { skipped: "smoke mode serves the existing dist/" };
    } else {
      const built = await section("site build", buildSite);
      if (built) {
        siteDir = built.outDir;
        builtHere = true;
        results.build = { seconds: built.seconds, pages: built.pages };
      }
    }

    const formatted = fs.existsSync(path.join(stack.clusterDir, "data", "node1", "meta.properties"));
    const cold = await section("cluster cold start", () => coldStart(stack, smoke));
    if (cold === undefined) throw new Error("the cluster did not start, so nothing else can be measured");
    results.cluster = { coldStartMs: cold, coldStartKind: smoke && formatted ? "existing data (smoke)" : "fresh data", failover: [] };
    if (plan.warmRestart) {
      const warm = await section("cluster warm restart", () => warmRestart(stack));
      if (warm) Object.assign(results.cluster, { warmRestartMs: warm.startMs, stopMs: warm.stopMs });
    }
    for (let i = 0; i < plan.failoverTrials; i++) {
      const trial = await section(`failover trial ${i + 1}`, () => failoverTrial(stack));
      if (trial) results.cluster.failover.push(trial);
    }

    await section("latency topic", () => ensureTopic(stack.bootstrap, LATENCY_TOPIC, 3));

    // Baselines first, with nothing else of ours running.
    const bare = await section("baseline: bare node spawn", async () => {
      const runs: SpawnTiming[] = [];
      for (let i = 0; i < plan.baselineRuns + plan.warmup; i++) runs.push(await bareNodeSpawn());
      return spawnSummary(runs.slice(plan.warmup));
    });
    if (bare) results.latency.bare = bare;
    const direct = await section("baseline: kafkajs run directly with node", async () => {
      const script = writeDirectScript(stack.bootstrap);
      try {
        const runs: SpawnTiming[] = [];
        for (let i = 0; i < plan.baselineRuns + plan.warmup; i++) runs.push(await directRun(script.file));
        const ok = runs.slice(plan.warmup);
        const summary = spawnSummary(ok);
        const stamps = ok.flatMap((r) => (r.stamps ? [r.stamps] : []));
        return {
          ...summary,
          phases: {
            toSnippet: summarize(stamps.map((s) => s.t0 - s.processStart)),
            connect: summarize(stamps.map((s) => s.connected - s.t0)),
            produce: summarize(stamps.map((s) => s.sent - s.connected)),
          },
          sampleError: ok.find((r) => !r.ok)?.error,
        };
      } finally {
        script.cleanup();
      }
    });
    if (direct) results.latency.direct = direct;

    await runnerPhase(stack, { RUNNER_ENGINE: "sandbox", RUN_WARM_POOL: "2", siteDir }, async () => {
      await sleep(3000);
      results.memory = { idle: stack.rss() };
      const warm = await section("runner latency: sandbox, warm pool", () => apiSeries(stack, plan.latencyRuns, plan.warmup));
      if (warm) results.latency.sandboxWarm = seriesSummary(warm);

      const lessonCode = fs.readFileSync(
        path.join(repoRoot, "content/lessons/01-events-and-the-log/01-your-first-event/produce.ts"),
        "utf8",
      );
      const lesson = await section("runner latency: the lesson's produce.ts", () => apiSeries(stack, plan.lessonRuns, 0, lessonCode));
      if (lesson) results.latency.lessonSnippet = seriesSummary(lesson);

      results.load = [];
      const biggest = Math.max(...plan.levels);
      const memoryLevel = plan.levels.includes(16) ? 16 : biggest;
      for (const learners of plan.levels) {
        const samples: number[] = [];
        const sampler = learners === memoryLevel ? setInterval(() => samples.push(stack.rss().totalMb), 250) : undefined;
        const level = await section(`load: ${learners} learner(s) × ${plan.runsEach} runs`, () =>
          runLearners(stack.url, learners, plan.runsEach, snippetSource),
        );
        if (sampler) {
          clearInterval(sampler);
          const s = summarize(samples);
          results.memory.underLoad = { learners, p50TotalMb: s.p50, maxTotalMb: s.max };
        }
        if (level) results.load.push(level);
        await sleep(1000);
      }
      const burst = await section(`load: burst of ${plan.burst} one-shot runs (bench/load.ts)`, () =>
        runLoad({ url: stack.url, runs: plan.burst, code: snippetSource, deadlineMs: 120_000 }),
      );
      if (burst) results.burst = burst;

      if (siteDir) {
        const browser = await section("browser: launch", launchBrowser);
        if (browser) {
          try {
            const trials: { coldMs: number; warmMs: number }[] = [];
            for (let i = 0; i < plan.browserTrials; i++) {
              const trial = await section(`browser: click to first output, trial ${i + 1}`, () => browserTrial(browser, stack.url));
              if (trial) trials.push(trial);
            }
            if (trials.length)
              results.browser = { cold: summarize(trials.map((t) => t.coldMs)), warm: summarize(trials.map((t) => t.warmMs)) };
          } finally {
            await browser.close();
          }
        }
        const weight = await section("page weight: lesson vs plain Starlight page (bench/page-weight.ts)", () =>
          pageWeight({ baseUrl: stack.url, lessonPath: LESSON_PATH, plainPath: "/", print: false }),
        );
        if (weight) results.weight = { lesson: weight.lesson, plain: weight.plain };
      } else {
        results.problems.push("browser and page weight: no built site to serve");
      }
    });

    // Classroom mode: every learner logs in as their session, so the quotas and the policy apply to the flooder.
    await runnerPhase(
      stack,
      {
        RUNNER_ENGINE: "sandbox",
        RUN_WARM_POOL: "2",
        COURSE_MODE: "classroom",
        extra: { RUN_TIMEOUT_MS: String((plan.fairness.floodSeconds + 30) * 1000) },
      },
      async () => {
        const fairness = await section(
          `fairness: one flooder for ${plan.fairness.floodSeconds} s, ${plan.fairness.neighbours} neighbours`,
          () => measureFairness({ baseUrl: stack.url, bootstrap: stack.bootstrap, code: snippetSource, ...plan.fairness }),
        );
        if (fairness) results.fairness = fairness;
      },
    );

    await runnerPhase(stack, { RUNNER_ENGINE: "process" }, async () => {
      const runs = await section("runner latency: process engine", () => apiSeries(stack, plan.compareRuns, plan.warmup));
      if (runs) results.latency.process = seriesSummary(runs);
    });
    if (plan.coldEngine) {
      await runnerPhase(stack, { RUNNER_ENGINE: "sandbox", RUN_WARM_POOL: "0" }, async () => {
        const runs = await section("runner latency: sandbox, no warm pool", () => apiSeries(stack, plan.compareRuns, plan.warmup));
        if (runs) results.latency.sandboxCold = seriesSummary(runs);
      });
    }
  } finally {
    log("Stopping the benchmark's runner and cluster…");
    await stopAll();
  }

  results.finishedAt = new Date().toISOString();
  results.ratios = {
    firstOutputVsBare: ratio(results.latency.sandboxWarm?.toFirstStdout.p50, results.latency.bare?.toFirstStdout.p50),
    endVsDirect: ratio(results.latency.sandboxWarm?.toEnd.p50, results.latency.direct?.toEnd.p50),
    processFirstOutputVsBare: ratio(results.latency.process?.toFirstStdout.p50, results.latency.bare?.toFirstStdout.p50),
    coldFirstOutputVsBare: ratio(results.latency.sandboxCold?.toFirstStdout.p50, results.latency.bare?.toFirstStdout.p50),
    lessonJsVsPlain: ratio(results.weight?.lesson?.beforeInteraction.jsWireKb, results.weight?.plain?.beforeInteraction.jsWireKb),
  };
  const markdown = renderMarkdown(results);
  const outDir = path.join(import.meta.dirname, "results");
  fs.mkdirSync(outDir, { recursive: true });
  const base = smoke ? "smoke" : "latest";
  fs.writeFileSync(path.join(outDir, `${base}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, `${base}.md`), markdown);
  console.log(`\n${markdown}`);
  log(`Wrote bench/results/${base}.json and ${base}.md`);
  process.exit(results.problems.length ? 1 : 0);
}

/** Starts the runner with `env`, runs `body`, and stops the runner whatever happens. */
async function runnerPhase(stack: BenchStack, env: RunnerEnv, body: () => Promise<void>): Promise<void> {
  const label = `${env.RUNNER_ENGINE}${env.RUN_WARM_POOL === "0" ? ", no warm pool" : ""}`;
  const started = await section(`runner start (${label})`, () => stack.startRunner(env).then(() => true));
  if (!started) return;
  try {
    await body();
  } finally {
    await stack.stopRunner();
  }
}

export type { FailoverTrial, LearnersResult };

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
