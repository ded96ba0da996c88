/**
 * The lesson contract shared by the site, the runner, the coverage report and the lesson checks: how folder names
 * become lesson ids, how an exercise is named when it runs, and the shape of /lessons.json. Plain TypeScript with
 * zod, so astro.config.mjs, the browser and Node import the same file.
 */
import { z } from "zod";

/** "01-events-and-the-log" → "events-and-the-log": folders are numbered for order, ids are not. */
export const stripOrder = (segment: string): string => segment.replace(/^\d+-/, "");

/** A lesson's id from its path below content/lessons: "01-events/02-topics/index.mdx" → "events/topics". */
export function lessonIdFromPath(entry: string): string {
  const id = entry
    .replace(/\.mdx?$/, "")
    .replace(/(^|\/)index$/, "")
    .split("/")
    .map(stripOrder)
    .join("/");
  return id || "index";
}

/** The id an exercise runs under ("<lesson folder>/<exercise>"), as the page sends it and progress records it. */
export function exerciseRunId(lessonId: string, exercise: string): string {
  return `${lessonId.split("/").pop() ?? lessonId}/${exercise}`;
}

/** Splits an exercise run id; undefined when it is not one. */
export function parseExerciseRunId(id: string): { lesson: string; exercise: string } | undefined {
  const match = /^([a-z0-9-]+)\/([a-z0-9-]+)$/.exec(id);
  return match ? { lesson: match[1]!, exercise: match[2]! } : undefined;
}

const snippetEntry = z.object({
  id: z.string(),
  file: z.string(),
  expect: z.object({
    stdout: z.array(z.string()),
    notStdout: z.array(z.string()),
    reason: z.enum(["ok", "error", "timeout"]),
    produced: z.number().int().optional(),
  }),
  timeoutSeconds: z.number().int(),
  stopBrokers: z.array(z.number().int()),
  /** It stops brokers itself (lab.stopBroker): the checks run it alone. Absent in manifests from before the field. */
  disruptive: z.boolean().default(false),
});

const exerciseEntry = z.object({
  id: z.string(),
  title: z.string(),
  starter: z.string(),
  solution: z.string(),
  /** Wrong solutions the check must reject, with their code. */
  wrong: z.array(z.object({ file: z.string(), what: z.string(), code: z.string() })),
});

export const lessonIndexEntrySchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  faultInjection: z.boolean(),
  /** Companion services the lesson's runs reach (needs.services). */
  services: z.array(z.string()),
  later: z.array(z.string()),
  snippets: z.array(snippetEntry),
  exercises: z.array(exerciseEntry),
});

/** GET /lessons.json. */
export const lessonIndexSchema = z.object({ lessons: z.array(lessonIndexEntrySchema) });

export type LessonIndexEntry = z.infer<typeof lessonIndexEntrySchema>;
export type LessonIndex = z.infer<typeof lessonIndexSchema>;
export type SnippetEntry = z.infer<typeof snippetEntry>;
export type ExerciseEntry = z.infer<typeof exerciseEntry>;
