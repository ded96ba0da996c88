/** Shared locators for the learner-experience specs. */
import type { APIRequestContext, Page } from "@playwright/test";
import { lessonIndexSchema } from "../../runner/src/protocol/lessons.ts";

/** A lesson with two runnable snippets and the cluster panel. */
export const LESSON = "/events-and-the-log/your-first-event/";

/** Requests for editor code: Monaco's chunks, its CSS and its workers. */
export const EDITOR_ASSET = /\/_astro\/(monaco-editor|editor|ts\.worker|editor\.worker)[.-][\w-]+\.(js|css)$/;

export const snippet = (page: Page, file: string) => page.locator(`offset-snippet[data-file="${file}"]`);

/** Opens the editor of a snippet and waits until Monaco is ready to type in. */
export async function openEditor(page: Page, file: string) {
  const root = snippet(page, file);
  await root.getByRole("button", { name: "Edit", exact: true }).click();
  const editor = root.locator(".monaco-editor");
  await editor.waitFor();
  return { root, editor };
}

/** Moves the cursor to the end of the editor's text and types, the way a learner would. */
export async function typeAtEnd(page: Page, editor: ReturnType<Page["locator"]>, text: string): Promise<void> {
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+End");
  await page.keyboard.type(text);
}

/** The first lesson whose page has the cluster panel (optionally one that declares fault injection). */
export async function lessonWithPanel(request: APIRequestContext, faultInjection = false): Promise<string | undefined> {
  const index = lessonIndexSchema.parse(await (await request.get("/lessons.json")).json());
  for (const lesson of index.lessons.filter((l) => !faultInjection || l.faultInjection)) {
    if ((await (await request.get(lesson.url)).text()).includes("<offset-cluster")) return lesson.url;
  }
  return undefined;
}
