/** Turns Playwright's JSON report into a per-lesson pass/fail table with durations. */

interface ReportResult {
  status: "passed" | "failed" | "timedOut" | "skipped" | "interrupted";
  duration: number;
}
interface ReportTest {
  projectName: string;
  status: "expected" | "unexpected" | "flaky" | "skipped";
  results: ReportResult[];
}
interface ReportSpec {
  title: string;
  tests: ReportTest[];
}
interface ReportSuite {
  title: string;
  specs?: ReportSpec[];
  suites?: ReportSuite[];
}
export interface PlaywrightReport {
  suites: ReportSuite[];
}

export interface LessonRow {
  lesson: string;
  passed: number;
  failed: number;
  flaky: number;
  durationMs: number;
}

export interface Summary {
  rows: LessonRow[];
  totals: { passed: number; failed: number; flaky: number };
}

/** Groups every test by lesson: the describe title, or the part of a test title before " › ". */
export function summarize(report: PlaywrightReport): Summary {
  const rows = new Map<string, LessonRow>();
  const totals = { passed: 0, failed: 0, flaky: 0 };
  const outcomes: Partial<Record<string, keyof typeof totals>> = { expected: "passed", flaky: "flaky", unexpected: "failed" };
  const visit = (suite: ReportSuite, describe: string | undefined) => {
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests) {
        const lesson = describe ?? (spec.title.includes(" › ") ? spec.title.split(" › ")[0]! : `(${test.projectName})`);
        const row = rows.get(lesson) ?? { lesson, passed: 0, failed: 0, flaky: 0, durationMs: 0 };
        row.durationMs += test.results.reduce((sum, r) => sum + r.duration, 0);
        const outcome = outcomes[test.status];
        if (outcome) {
          row[outcome]++;
          totals[outcome]++;
        }
        rows.set(lesson, row);
      }
    }
    // File-level suites have a path as title; describe suites name the lesson.
    for (const child of suite.suites ?? []) visit(child, child.title.endsWith(".ts") ? describe : child.title);
  };
  for (const suite of report.suites) visit(suite, undefined);
  return { rows: [...rows.values()].sort((a, b) => a.lesson.localeCompare(b.lesson)), totals };
}

/** A fixed-width table for the terminal. */
export function lessonTable(summary: Summary): string {
  const width = Math.max(6, ...summary.rows.map((r) => r.lesson.length));
  const lines = [`${"lesson".padEnd(width)}  result  tests  time`];
  for (const row of summary.rows) {
    const result = row.failed ? "FAIL" : row.flaky ? "FLAKY" : "pass";
    lines.push(
      `${row.lesson.padEnd(width)}  ${result.padEnd(6)}  ${String(row.passed + row.failed + row.flaky).padStart(5)}  ${(row.durationMs / 1000).toFixed(1).padStart(5)} s`,
    );
  }
  return lines.join("\n");
}
