/**
 * Marks sidebar lessons with the learner's progress: a check when every snippet ran and every exercise passed,
 * "n/m" while under way. Progress lives in localStorage, so this runs in the browser after the page is drawn.
 */
import { h } from "./dom.ts";
import { lessonProgress, type LessonIndexEntry } from "./lesson-progress.ts";
import { loadProgress } from "./storage.ts";

let index: Promise<LessonIndexEntry[]> | undefined;

function lessons(): Promise<LessonIndexEntry[]> {
  index ??= fetch("/lessons.json")
    .then((r) => r.json() as Promise<{ lessons: LessonIndexEntry[] }>)
    .then((body) => body.lessons)
    .catch(() => []);
  return index;
}

async function mark(): Promise<void> {
  const progress = loadProgress();
  const all = (await lessons()).map((lesson) => lessonProgress(lesson, progress)).filter((p) => p.total > 0);
  for (const p of all) {
    for (const link of document.querySelectorAll<HTMLAnchorElement>(
      `nav.sidebar a[href="${CSS.escape(p.url)}"], .sidebar-pane a[href="${CSS.escape(p.url)}"]`,
    )) {
      link.querySelector(".lesson-progress")?.remove();
      if (p.done === 0) continue;
      const complete = p.done >= p.total;
      link.append(
        h(
          "span",
          {
            class: "lesson-progress",
            "data-complete": String(complete),
            title: complete ? "All snippets run" : `${p.done} of ${p.total} done`,
          },
          h("span", { "aria-hidden": "true" }, complete ? "✓" : `${p.done}/${p.total}`),
          h("span", { class: "sr-only" }, complete ? " (completed)" : ` (${p.done} of ${p.total} done)`),
        ),
      );
    }
  }
  const summary = document.querySelector<HTMLElement>("[data-course-progress]");
  const finished = all.filter((p) => p.done >= p.total).length;
  if (summary && all.length) {
    summary.hidden = false;
    summary.replaceChildren(
      h("span", {}, `${finished} of ${all.length} lesson${all.length === 1 ? "" : "s"} done`),
      h("progress", { max: String(all.length), value: String(finished), "aria-hidden": "true" }),
    );
  }
}

void mark();
window.addEventListener("offset:progress", () => void mark());
// Another tab may have run snippets.
window.addEventListener("storage", (event) => {
  if (event.key === "offset:progress") void mark();
});
