/** How far a learner is through each lesson, from the course index (/lessons.json) and stored progress. */
import { exerciseRunId, type LessonIndexEntry as Entry } from "../../runner/src/protocol/lessons.ts";
import type { Progress } from "./storage.ts";

/** What progress needs of a /lessons.json entry. */
export type LessonIndexEntry = Pick<Entry, "id" | "url"> & {
  snippets: Pick<Entry["snippets"][number], "id">[];
  exercises: Pick<Entry["exercises"][number], "id">[];
};

export interface LessonProgress {
  url: string;
  done: number;
  total: number;
}

/** Exercise ids in progress are "<last lesson segment>/<exercise>", as the snippet element records them. */
export function lessonProgress(lesson: LessonIndexEntry, progress: Progress): LessonProgress {
  const ran = new Set(progress.ran);
  const passed = new Set(progress.passed);
  const snippetsDone = lesson.snippets.filter((s) => ran.has(s.id)).length;
  const exercisesDone = lesson.exercises.filter((e) => passed.has(exerciseRunId(lesson.id, e.id))).length;
  return { url: lesson.url, done: snippetsDone + exercisesDone, total: lesson.snippets.length + lesson.exercises.length };
}
