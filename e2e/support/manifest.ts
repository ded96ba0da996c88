/**
 * The lessons under test, read from the deployment's /lessons.json (fetched by the check runner into
 * LESSONS_MANIFEST) or, for a local build, from dist/lessons.json. No list is kept by hand.
 */
import fs from "node:fs";
import path from "node:path";

export interface SnippetSpec {
  id: string;
  file: string;
  expect: { stdout: string[]; notStdout: string[]; reason: "ok" | "error" | "timeout"; produced?: number };
  timeoutSeconds: number;
  stopBrokers: number[];
}
export interface ExerciseSpec {
  id: string;
  title: string;
  starter: string;
  solution: string;
  /** Wrong solutions the check must reject, with their code. */
  wrong: { file: string; what: string; code: string }[];
}
export interface LessonSpec {
  id: string;
  title: string;
  url: string;
  faultInjection: boolean;
  snippets: SnippetSpec[];
  exercises: ExerciseSpec[];
}

export function loadLessons(): LessonSpec[] {
  const file = process.env.LESSONS_MANIFEST ?? path.resolve("dist/lessons.json");
  if (!fs.existsSync(file)) {
    throw new Error(`No lesson manifest at ${file}. Build the site (npm run build) or run through npm run check:lessons.`);
  }
  const { lessons } = JSON.parse(fs.readFileSync(file, "utf8")) as { lessons: LessonSpec[] };
  const filter = (process.env.LESSON_FILTER ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  return filter.length ? lessons.filter((l) => filter.some((f) => l.id.includes(f))) : lessons;
}
