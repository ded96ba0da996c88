/** How far a learner is through each lesson, from the course index (/lessons.json) and stored progress. */
import type { Progress } from "./storage.ts";

export interface LessonIndexEntry {
  id: string;
  url: string;
  snippets: { id: string }[];
  exercises: { id: string }[];
}

export interface LessonProgress {
  url: string;
  done: number;
  total: number;
}

/** Exercise ids in progress are "<last lesson segment>/<exercise>", as the snippet element records them. */
export function lessonProgress(lesson: LessonIndexEntry, progress: Progress): LessonProgress {
  const ran = new Set(progress.ran);
  const passed = new Set(progress.passed);
  const short = lesson.id.split("/").pop() ?? lesson.id;
  const snippetsDone = lesson.snippets.filter((s) => ran.has(s.id)).length;
  const exercisesDone = lesson.exercises.filter((e) => passed.has(`${short}/${e.id}`)).length;
  return { url: lesson.url, done: snippetsDone + exercisesDone, total: lesson.snippets.length + lesson.exercises.length };
}
