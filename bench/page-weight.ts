/**
 * Page weight of a lesson against a plain Starlight page, both served by the same build: JavaScript and total
 * bytes on the wire before any interaction and after the editor loads. `node bench/page-weight.ts` prints a table;
 * suites import `pageWeight()` for the numbers. Target: at most 80 KB of JavaScript on the wire before interaction.
 */
import { chromium } from "playwright";
import { measurePageWeight, type PageWeight } from "./lib/weight.ts";

/** The budget for a lesson's JavaScript before the learner touches anything, in KB on the wire. */
export const JS_BUDGET_KB = 80;

export interface PageWeightOptions {
  /** Where the built site is served (a running `npm start`). */
  baseUrl?: string;
  /** A lesson with runnable snippets. */
  lessonPath?: string;
  /** A page with no snippets, for comparison (the course home page). */
  plainPath?: string;
  /** Print the table to stdout. */
  print?: boolean;
}

export interface PageWeightResult {
  lesson: PageWeight;
  plain: PageWeight;
  /** Lesson JS before interaction minus the plain page's: what the course components cost up front. */
  lessonExtraJsWireKb: number;
  withinBudget: boolean;
}

export async function pageWeight(options: PageWeightOptions = {}): Promise<PageWeightResult> {
  const baseUrl = (options.baseUrl ?? process.env.BASE_URL ?? "http://127.0.0.1:4321").replace(/\/$/, "");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const lesson = await measurePageWeight(browser, `${baseUrl}${options.lessonPath ?? "/events-and-the-log/your-first-event/"}`);
    const plain = await measurePageWeight(browser, `${baseUrl}${options.plainPath ?? "/"}`);
    const result = {
      lesson,
      plain,
      lessonExtraJsWireKb: Math.round((lesson.beforeInteraction.jsWireKb - plain.beforeInteraction.jsWireKb) * 10) / 10,
      withinBudget: lesson.beforeInteraction.jsWireKb <= JS_BUDGET_KB,
    };
    if (options.print ?? true) printTable(result);
    return result;
  } finally {
    await browser.close();
  }
}

function printTable({ lesson, plain, lessonExtraJsWireKb, withinBudget }: PageWeightResult): void {
  const row = (name: string, w: PageWeight["beforeInteraction"] | undefined) =>
    w
      ? `| ${name.padEnd(30)} | ${String(w.requests).padStart(8)} | ${w.jsWireKb.toFixed(1).padStart(10)} | ${w.totalWireKb.toFixed(1).padStart(13)} |`
      : `| ${name.padEnd(30)} | ${"—".padStart(8)} | ${"—".padStart(10)} | ${"—".padStart(13)} |`;
  console.log(`| ${"page".padEnd(30)} | requests | JS wire (KB) | total wire (KB) |`);
  console.log(`|${"-".repeat(32)}|----------|------------|---------------|`);
  console.log(row(`plain Starlight (${plain.url})`, plain.beforeInteraction));
  console.log(row("lesson, before interaction", lesson.beforeInteraction));
  console.log(row("lesson, after the editor loads", lesson.afterEditor));
  console.log(
    `\nCourse components add ${lessonExtraJsWireKb} KB of JS (on the wire) before interaction; budget ${JS_BUDGET_KB} KB for the lesson: ${withinBudget ? "within" : "OVER"}.`,
  );
  console.log(`Largest JS on the lesson: ${lesson.largestJs.map((j) => `${j.url} ${j.wireKb} KB`).join(", ")}`);
  if (lesson.secondVisit) {
    console.log(`Second visit to the lesson: ${lesson.secondVisit.jsRequests} scripts fetched again (${lesson.secondVisit.jsWireKb} KB).`);
  }
}

if (import.meta.main) {
  const result = await pageWeight();
  process.exitCode = result.withinBudget ? 0 : 1;
}
