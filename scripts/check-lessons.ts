/**
 * `npm run check:lessons -- --base-url https://course.example.org [--lessons id,id] [--workers N] [--projects lessons,faults]`
 * Runs every lesson's snippets and exercises in Chromium against a deployment, prints a per-lesson table with
 * durations, writes an HTML report, and exits non-zero on any failure.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { lessonTable, summarize, type PlaywrightReport } from "./lesson-report.ts";

const root = path.resolve(import.meta.dirname, "..");
const artifacts = path.join(root, "e2e", "artifacts");

export interface CheckOptions {
  baseUrl: string;
  lessons?: string | undefined;
  workers?: number | undefined;
  projects?: string[] | undefined;
  /** Extra environment for the browser tests (e.g. a manifest override in the harness test). */
  env?: Record<string, string> | undefined;
  /** Where the manifest is written (defaults to e2e/artifacts/lessons.json). */
  manifestPath?: string | undefined;
  quiet?: boolean | undefined;
}

export interface CheckResult {
  exitCode: number;
  passed: number;
  failed: number;
  flaky: number;
  output: string;
  table: string;
}

/** Fetches the deployment's lesson manifest and runs the Playwright lesson checks against it. */
export async function checkLessons(options: CheckOptions): Promise<CheckResult> {
  const baseUrl = options.baseUrl.replace(/\/$/, "");
  fs.mkdirSync(artifacts, { recursive: true });
  const manifestPath = options.manifestPath ?? path.join(artifacts, "lessons.json");
  if (!options.env?.LESSONS_MANIFEST) {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/lessons.json`);
    } catch (error) {
      throw new Error(`Cannot reach ${baseUrl}: ${(error as Error).message}. Is the course running there?`, { cause: error });
    }
    if (!response.ok) throw new Error(`${baseUrl}/lessons.json answered ${response.status}; is this an Offset deployment?`);
    fs.writeFileSync(manifestPath, await response.text());
  }
  const projects = options.projects ?? ["lessons", "faults"];
  const args = [path.join(root, "node_modules/@playwright/test/cli.js"), "test", ...projects.flatMap((p) => ["--project", p])];
  if (options.workers) args.push("--workers", String(options.workers));
  const resultsFile = path.join(artifacts, "results.json");
  fs.rmSync(resultsFile, { force: true });
  const env = {
    ...process.env,
    BASE_URL: baseUrl,
    LESSONS_MANIFEST: manifestPath,
    ...(options.lessons ? { LESSON_FILTER: options.lessons } : {}),
    ...options.env,
  };
  let output = "";
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    const relay = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.once("close", (code) => resolve(code ?? 1));
  });
  if (!fs.existsSync(resultsFile))
    return { exitCode: exitCode || 1, passed: 0, failed: 1, flaky: 0, output, table: "No results were written." };
  const report = JSON.parse(fs.readFileSync(resultsFile, "utf8")) as PlaywrightReport;
  const summary = summarize(report);
  return { exitCode, ...summary.totals, output, table: lessonTable(summary) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "base-url": { type: "string" },
      lessons: { type: "string" },
      workers: { type: "string" },
      projects: { type: "string" },
    },
  });
  const baseUrl = values["base-url"] ?? process.env.BASE_URL;
  if (!baseUrl) {
    console.error("Usage: npm run check:lessons -- --base-url https://course.example.org [--lessons id,id] [--workers N]");
    process.exit(2);
  }
  const result = await checkLessons({
    baseUrl,
    lessons: values.lessons,
    workers: values.workers ? Number(values.workers) : undefined,
    projects: values.projects?.split(","),
  });
  console.log(`\n${result.table}`);
  console.log(`HTML report: ${path.relative(process.cwd(), path.join(artifacts, "report", "index.html"))}`);
  console.log(`${result.passed} passed, ${result.failed} failed${result.flaky ? `, ${result.flaky} flaky` : ""}`);
  process.exit(result.exitCode === 0 && result.failed === 0 ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
