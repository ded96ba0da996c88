/**
 * GET /lessons.json: every lesson with its snippets (and what a correct run shows) and exercises. The lesson
 * checks read it from whichever deployment they test, so the suite never keeps its own list.
 */
import fs from "node:fs";
import path from "node:path";
import type { APIRoute } from "astro";
import { getCollection } from "astro:content";
import type { LessonIndex } from "../../runner/src/protocol/lessons.ts";

/** A file beside the lesson, read at build time (wrong solutions travel with the manifest, so any deployment can be checked). */
const besideLesson = (lessonFile: string | undefined, file: string) =>
  fs.readFileSync(path.join(path.dirname(lessonFile ?? "."), file), "utf8");

export const GET: APIRoute = async () => {
  const entries = await getCollection("docs");
  const lessons = entries
    .filter((entry) => entry.id !== "index")
    .map((entry) => ({
      id: entry.id,
      title: entry.data.title,
      url: `/${entry.id}/`,
      faultInjection: entry.data.needs.faultInjection,
      // `?? []`: a content cache from before the field existed holds entries without it.
      services: entry.data.needs.services ?? [],
      later: entry.data.later,
      // `?? false`: a content cache from before the field existed holds snippets without it.
      snippets: entry.data.snippets.map((s) => ({ ...s, disruptive: s.disruptive ?? false, id: `${entry.id}/${s.file}` })),
      exercises: entry.data.exercises.map((e) => ({
        id: e.id,
        title: e.title,
        starter: `${e.id}.ts`,
        solution: `${e.id}.solution.ts`,
        // `?? []`: a content cache from before the field existed holds entries without it.
        wrong: (e.wrong ?? []).map((w) => ({ ...w, code: besideLesson(entry.filePath, w.file) })),
      })),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  const index: LessonIndex = { lessons };
  return new Response(JSON.stringify(index, null, 2), { headers: { "content-type": "application/json" } });
};
