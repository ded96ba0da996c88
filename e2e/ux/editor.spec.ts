/** The editor: Monaco loads only when asked for, knows kafkajs and lab, and keeps the learner's edits. */
import { expect, test } from "@playwright/test";
import { EDITOR_ASSET, LESSON, openEditor, snippet, typeAtEnd } from "./helpers.ts";

test.beforeEach(async ({ page }) => {
  await page.goto(LESSON);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});

test("Monaco is not fetched until the learner clicks Edit", async ({ page }) => {
  const editorRequests: string[] = [];
  page.on("request", (request) => {
    if (EDITOR_ASSET.test(new URL(request.url()).pathname)) editorRequests.push(request.url());
  });
  await page.reload({ waitUntil: "networkidle" });
  await expect(snippet(page, "produce.ts").locator(".expressive-code")).toBeVisible();
  expect(editorRequests, "no editor code before interaction").toEqual([]);

  await openEditor(page, "produce.ts");
  expect(editorRequests.some((url) => url.includes("monaco-editor"))).toBe(true);
});

test("completion offers producer after kafka.produ", async ({ page }) => {
  const { editor } = await openEditor(page, "produce.ts");
  await typeAtEnd(page, editor, "\nkafka.produ");
  const suggestions = page.locator(".suggest-widget");
  await expect(suggestions).toBeVisible();
  await expect(suggestions.getByText("producer", { exact: true })).toBeVisible();
});

test("a type error shows a marker before Run", async ({ page }) => {
  const { root, editor } = await openEditor(page, "produce.ts");
  await typeAtEnd(page, editor, '\nconst partitions: number = "three";');
  await expect(editor.locator(".squiggly-error").first()).toBeVisible();
  await expect(root.locator('[data-part="output"]')).toBeHidden();
});

test("edits survive a reload and Reset restores the original", async ({ page }) => {
  const { root, editor } = await openEditor(page, "produce.ts");
  await typeAtEnd(page, editor, "\n// my note");
  await expect(root.getByText("modified", { exact: true })).toBeVisible();

  await page.reload();
  const reloaded = snippet(page, "produce.ts");
  await expect(reloaded.getByText("modified", { exact: true })).toBeVisible();
  await expect(reloaded.locator(".monaco-editor .view-lines")).toContainText("// my note");

  await reloaded.getByRole("button", { name: "Reset" }).click();
  await expect(reloaded.getByText("modified", { exact: true })).toBeHidden();
  await expect(reloaded.locator(".monaco-editor .view-lines")).not.toContainText("// my note");
  await expect(reloaded.getByRole("button", { name: "Reset" })).toBeDisabled();
});

test("a Python snippet opens as Python and runs as edited", async ({ page }) => {
  const { root, editor } = await openEditor(page, "produce.py");
  // Monaco marks the editor with its language, and the Python grammar gives a keyword another token than a name.
  await expect(root.locator("[data-mode-id]").first()).toHaveAttribute("data-mode-id", "python");
  const firstLine = editor.locator(".view-line").first();
  const keyword = await firstLine.locator("span span", { hasText: /^import$/ }).getAttribute("class");
  const name = await firstLine.locator("span span", { hasText: /^\s*lab$/ }).getAttribute("class");
  expect(keyword).toMatch(/mtk\d+/);
  expect(name).toMatch(/mtk\d+/);
  expect(keyword).not.toBe(name);
  await typeAtEnd(page, editor, '\nprint("edited in Python")');
  await root.getByRole("button", { name: /Run/ }).click();
  const output = root.locator('[data-part="output"]');
  await expect(output).toContainText("Written to first-events, partition", { timeout: 60_000 });
  await expect(output).toContainText("edited in Python");
});
