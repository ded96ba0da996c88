/**
 * The lesson-check harness itself: a snippet whose declared expectation is wrong must fail the checks with a
 * message that names the lesson and the snippet, and shows the actual output.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkLessons } from "../../../scripts/check-lessons.ts";
import { testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();

describe("lesson checks harness", () => {
  it("fails a snippet with a wrong expectation, naming lesson and snippet", async () => {
    const manifest = (await (await fetch(`${base}/lessons.json`)).json()) as {
      lessons: { id: string; snippets: { file: string; expect: { stdout: string[] } }[]; exercises: unknown[] }[];
    };
    const lesson = manifest.lessons.find((l) => l.id.endsWith("your-first-event"));
    expect(lesson, "the first lesson must exist").toBeDefined();
    const snippet = lesson!.snippets[0]!;
    const broken = {
      lessons: [
        { ...lesson!, snippets: [{ ...snippet, expect: { ...snippet.expect, stdout: ["this text never appears"] } }], exercises: [] },
      ],
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "offset-harness-")), "lessons.json");
    fs.writeFileSync(file, JSON.stringify(broken));

    const result = await checkLessons({ baseUrl: base, projects: ["lessons"], workers: 1, quiet: true, env: { LESSONS_MANIFEST: file } });

    expect(result.exitCode).not.toBe(0);
    expect(result.failed).toBe(1);
    expect(result.output).toContain(`Lesson "${lesson!.id}", snippet "${snippet.file}"`);
    expect(result.output).toContain("this text never appears");
    expect(result.output).toContain("actual output");
  }, 180_000);
});
