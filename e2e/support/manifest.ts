/**
 * The lessons under test, read from the deployment's /lessons.json (fetched by the check runner into
 * LESSONS_MANIFEST) or, for a local build, from dist/lessons.json. No list is kept by hand.
 */
import fs from "node:fs";
import path from "node:path";
import { lessonIndexSchema, type ExerciseEntry, type LessonIndexEntry, type SnippetEntry } from "../../runner/src/protocol/lessons.ts";

export type SnippetSpec = SnippetEntry;
export type ExerciseSpec = ExerciseEntry;
export type LessonSpec = LessonIndexEntry;

export function loadLessons(): LessonSpec[] {
  const file = process.env.LESSONS_MANIFEST ?? path.resolve("dist/lessons.json");
  if (!fs.existsSync(file)) {
    throw new Error(`No lesson manifest at ${file}. Build the site (npm run build) or run through npm run check:lessons.`);
  }
  const parsed = lessonIndexSchema.safeParse(JSON.parse(fs.readFileSync(file, "utf8")));
  if (!parsed.success)
    throw new Error(`${file} does not match the lesson index schema (runner/src/protocol/lessons.ts): ${parsed.error.message}`);
  const { lessons } = parsed.data;
  const filter = (process.env.LESSON_FILTER ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean);
  return filter.length ? lessons.filter((l) => filter.some((f) => l.id.includes(f))) : lessons;
}
