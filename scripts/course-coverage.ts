/**
 * Reads the content tree and reports, per lesson, its snippets, exercises and checks. `npm test` fails (through
 * course-coverage.test.ts) when a lesson, snippet or exercise loses what makes it checkable.
 * Run it directly for the table: node scripts/course-coverage.ts
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { stripOrder as strip } from "../runner/src/protocol/lessons.ts";
import { lessonSchema } from "../src/lesson-schema.ts";

export const lessonsRoot = path.resolve(import.meta.dirname, "../content/lessons");

export interface LessonCoverage {
  id: string;
  dir: string;
  title: string;
  snippets: { file: string; exists: boolean; embedded: boolean; expectations: number }[];
  exercises: {
    id: string;
    starter: boolean;
    solution: boolean;
    check: boolean;
    embedded: boolean;
    hints: number;
    /** Declared wrong solutions whose file exists. */
    wrong: number;
    /** Declared wrong solutions whose file is missing. */
    missingWrong: string[];
  }[];
  /** .ts, .sh and .py files in the folder that no snippet or exercise declares. */
  orphans: string[];
  later: string[];
  /** Where the frontmatter breaks the lesson schema (src/lesson-schema.ts), one line each. */
  schemaErrors: string[];
}

interface Frontmatter {
  title?: string;
  later?: string[];
  snippets?: { file: string; expect?: { stdout?: string[]; produced?: number; reason?: string } }[];
  exercises?: { id: string; hints?: string[]; wrong?: { file: string; what?: string }[] }[];
}

/** Every lesson folder (NN-part/NN-lesson/index.mdx), in course order. */
export function lessonDirs(): string[] {
  return fs
    .readdirSync(lessonsRoot)
    .filter((part) => /^\d+-/.test(part))
    .sort()
    .flatMap((part) =>
      fs
        .readdirSync(path.join(lessonsRoot, part))
        .filter((lesson) => /^\d+-/.test(lesson) && fs.existsSync(path.join(lessonsRoot, part, lesson, "index.mdx")))
        .sort()
        .map((lesson) => path.join(lessonsRoot, part, lesson)),
    );
}

export function readFrontmatter(mdx: string): Frontmatter {
  const match = /^---\n([\s\S]*?)\n---/.exec(mdx);
  return match ? ((parse(match[1]!) as Frontmatter | null) ?? {}) : {};
}

export function coverage(): LessonCoverage[] {
  return lessonDirs().map((dir) => {
    const mdx = fs.readFileSync(path.join(dir, "index.mdx"), "utf8");
    const data = readFrontmatter(mdx);
    const has = (file: string) => fs.existsSync(path.join(dir, file));
    const snippets = (data.snippets ?? []).map((s) => ({
      file: s.file,
      exists: has(s.file),
      embedded: new RegExp(`file=["']${s.file.replace(/\./g, "\\.")}["']`).test(mdx),
      expectations: (s.expect?.stdout?.length ?? 0) + (s.expect?.produced !== undefined ? 1 : 0),
    }));
    const exercises = (data.exercises ?? []).map((e) => ({
      id: e.id,
      starter: has(`${e.id}.ts`),
      solution: has(`${e.id}.solution.ts`),
      check: has(`${e.id}.check.ts`),
      embedded: new RegExp(`<Exercise[^>]*id=["']${e.id}["']`).test(mdx),
      hints: e.hints?.length ?? 0,
      wrong: (e.wrong ?? []).filter((w) => has(w.file)).length,
      missingWrong: (e.wrong ?? []).filter((w) => !has(w.file)).map((w) => w.file),
    }));
    const declared = new Set([
      ...snippets.map((s) => s.file),
      ...exercises.flatMap((e) => [`${e.id}.ts`, `${e.id}.solution.ts`, `${e.id}.check.ts`]),
      ...(data.exercises ?? []).flatMap((e) => (e.wrong ?? []).map((w) => w.file)),
    ]);
    const orphans = fs.readdirSync(dir).filter((f) => /\.(ts|sh|py)$/.test(f) && !declared.has(f));
    const rel = path.relative(lessonsRoot, dir).split(path.sep).map(strip).join("/");
    // The same schema the site builds with: a frontmatter the build would refuse fails here, with the field named.
    const checked = lessonSchema.safeParse(data);
    const schemaErrors = checked.success ? [] : checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    return { id: rel, dir, title: data.title ?? rel, snippets, exercises, orphans, later: data.later ?? [], schemaErrors };
  });
}

/** The coverage table printed by `node scripts/course-coverage.ts`. */
export function coverageTable(rows: LessonCoverage[]): string {
  const width = Math.max(...rows.map((r) => r.id.length), 6);
  const lines = [`${"lesson".padEnd(width)}  snippets  exercises  checks  wrong solutions  later`];
  const wrongs = (r: LessonCoverage) => r.exercises.map((e) => e.wrong).join("+") || "-";
  for (const r of rows) {
    const checks = r.exercises.filter((e) => e.check).length;
    lines.push(
      `${r.id.padEnd(width)}  ${String(r.snippets.length).padStart(8)}  ${String(r.exercises.length).padStart(9)}  ${String(checks).padStart(6)}  ${wrongs(r).padStart(15)}  ${r.later.join(", ")}`,
    );
  }
  const sum = (f: (r: LessonCoverage) => number) => rows.reduce((n, r) => n + f(r), 0);
  lines.push(
    `${"total".padEnd(width)}  ${String(sum((r) => r.snippets.length)).padStart(8)}  ${String(sum((r) => r.exercises.length)).padStart(9)}  ${String(sum((r) => r.exercises.filter((e) => e.check).length)).padStart(6)}  ${String(sum((r) => r.exercises.reduce((n, e) => n + e.wrong, 0))).padStart(15)}  ${rows.length} lessons`,
  );
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(coverageTable(coverage()));
