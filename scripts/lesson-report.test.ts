import { describe, expect, it } from "vitest";
import { lessonTable, summarize } from "./lesson-report.ts";

const report = {
  suites: [
    {
      title: "lessons/lessons.spec.ts",
      specs: [],
      suites: [
        {
          title: "events-and-the-log/your-first-event",
          specs: [
            {
              title: "snippet produce.ts",
              tests: [{ projectName: "lessons", status: "expected" as const, results: [{ status: "passed" as const, duration: 1200 }] }],
            },
            {
              title: "snippet read-back.ts",
              tests: [{ projectName: "lessons", status: "unexpected" as const, results: [{ status: "failed" as const, duration: 800 }] }],
            },
          ],
        },
      ],
    },
    {
      title: "lessons/lessons-faults.spec.ts",
      specs: [
        {
          title: "the-cluster/acks › snippet not-enough.ts with broker(s) 2, 3 stopped",
          tests: [
            {
              projectName: "faults",
              status: "flaky" as const,
              results: [
                { status: "failed" as const, duration: 500 },
                { status: "passed" as const, duration: 400 },
              ],
            },
          ],
        },
      ],
    },
  ],
};

describe("lesson report", () => {
  it("groups results by lesson and reports flaky tests separately", () => {
    const summary = summarize(report);
    expect(summary.totals).toEqual({ passed: 1, failed: 1, flaky: 1 });
    const first = summary.rows.find((r) => r.lesson === "events-and-the-log/your-first-event");
    expect(first).toMatchObject({ passed: 1, failed: 1, durationMs: 2000 });
    expect(summary.rows.find((r) => r.lesson === "the-cluster/acks")).toMatchObject({ flaky: 1 });
    const table = lessonTable(summary);
    expect(table).toMatch(/your-first-event\s+FAIL/);
    expect(table).toMatch(/the-cluster\/acks\s+FLAKY/);
  });
});
