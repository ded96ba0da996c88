/**
 * N learners, each with their own session cookie, each running the same snippet R times back to back (a learner
 * waits for their run to end before pressing Run again). bench/load.ts answers "does every run of a burst end or
 * get 429"; this answers "how fast, and where does the time go" with the per-run breakdown from latency.ts.
 */
import crypto from "node:crypto";
import { breakdown, timedRun, type TimedRun } from "./latency.ts";
import { summarize, wallNow, round, type Summary } from "./stats.ts";

export interface LearnersResult {
  learners: number;
  runsEach: number;
  completed: number;
  errors: number;
  rejected429: number;
  wallSeconds: number;
  runsPerSecond: number;
  toEnd: Summary;
  toFirstStdout: Summary;
  /** p50 of each phase over the completed runs (ms). */
  phases: { queue: Summary; toSnippet: Summary; connect: Summary; produce: Summary; finish: Summary };
  /** A few error messages, for the report. */
  sampleErrors: string[];
}

export async function runLearners(baseUrl: string, learners: number, runsEach: number, code: string): Promise<LearnersResult> {
  const runs: TimedRun[] = [];
  const errors: string[] = [];
  let rejected = 0;
  const started = wallNow();
  await Promise.all(
    Array.from({ length: learners }, async () => {
      const cookie = crypto.randomBytes(8).toString("hex");
      for (let done = 0; done < runsEach;) {
        const run = await timedRun(baseUrl, code, cookie);
        if (run.status === 429) {
          rejected++;
          // Retry-After says 5 s; a benchmark learner comes back sooner so the level keeps its pressure.
          await new Promise((r) => setTimeout(r, 1000));
          continue;
        }
        done++;
        if (run.ok) runs.push(run);
        else errors.push(run.error ?? "unknown");
      }
    }),
  );
  const wallSeconds = (wallNow() - started) / 1000;
  const phases = runs.map(breakdown).filter((b) => b !== undefined);
  return {
    learners,
    runsEach,
    completed: runs.length,
    errors: errors.length,
    rejected429: rejected,
    wallSeconds: round(wallSeconds, 2),
    runsPerSecond: round(runs.length / wallSeconds, 2),
    toEnd: summarize(runs.map((r) => r.toEnd!)),
    toFirstStdout: summarize(runs.map((r) => r.toFirstStdout!)),
    phases: {
      queue: summarize(phases.map((p) => p.queue!)),
      toSnippet: summarize(phases.map((p) => p.toSnippet)),
      connect: summarize(phases.map((p) => p.connect)),
      produce: summarize(phases.map((p) => p.produce)),
      finish: summarize(phases.map((p) => p.finish!)),
    },
    sampleErrors: [...new Set(errors)].slice(0, 3),
  };
}
