/** Drives lesson pages as a learner would: find a snippet, press Run, wait for the end, read what it showed. */
import { expect, type Locator, type Page } from "@playwright/test";
import type { LessonSpec, SnippetSpec } from "./manifest.ts";

export interface RunOutcome {
  reason: string;
  output: string;
  check: string | undefined;
  produced: number;
}

export function snippetLocator(page: Page, snippetId: string): Locator {
  return page.locator(`offset-snippet[data-snippet-id="${snippetId}"]`);
}

/** Clicks Run on a snippet and waits for its end state. */
export async function runSnippet(page: Page, snippet: Locator, timeoutMs: number): Promise<RunOutcome> {
  await page.evaluate(() => {
    const w = window as unknown as { __produced: number; __listening?: boolean };
    w.__produced = 0;
    if (!w.__listening) {
      w.__listening = true;
      document.addEventListener("offset:kafka", (event) => {
        if ((event as CustomEvent<{ type: string }>).detail.type === "produced") w.__produced++;
      });
    }
  });
  await snippet.scrollIntoViewIfNeeded();
  await snippet.getByRole("button", { name: /Run/ }).first().click();
  await expect(snippet).toHaveAttribute("data-running", "false", { timeout: timeoutMs });
  const reason =
    (await snippet.getAttribute("data-reason")) ?? `no end event (status: ${await snippet.locator('[data-part="status"]').textContent()})`;
  const output = (await snippet.locator('[data-part="log"]').textContent()) ?? "";
  const check = (await snippet.getAttribute("data-check")) ?? undefined;
  const produced = await page.evaluate(() => (window as unknown as { __produced: number }).__produced);
  return { reason, output, check, produced };
}

/** Asserts a snippet's declared expectations, naming the lesson and snippet in every failure. */
export function assertExpectations(lesson: LessonSpec, snippet: SnippetSpec, outcome: RunOutcome): void {
  const where = `Lesson "${lesson.id}", snippet "${snippet.file}"`;
  const shown = `\n--- actual output ---\n${outcome.output}\n---------------------`;
  expect(outcome.reason, `${where}: expected the run to end "${snippet.expect.reason}" but it ended "${outcome.reason}".${shown}`).toBe(
    snippet.expect.reason,
  );
  for (const pattern of snippet.expect.stdout) {
    expect(new RegExp(pattern, "m").test(outcome.output), `${where}: expected output matching /${pattern}/.${shown}`).toBe(true);
  }
  for (const pattern of snippet.expect.notStdout) {
    expect(new RegExp(pattern, "m").test(outcome.output), `${where}: expected NO output matching /${pattern}/.${shown}`).toBe(false);
  }
  if (snippet.expect.produced !== undefined) {
    expect(
      outcome.produced,
      `${where}: expected at least ${snippet.expect.produced} produced records drawn on the page, saw ${outcome.produced}.`,
    ).toBeGreaterThanOrEqual(snippet.expect.produced);
  }
}

/** Deletes this browser session's topics and groups so checks leave nothing behind (classroom mode). */
export async function cleanUpSession(page: Page): Promise<void> {
  const response = await page.request.delete("/api/session");
  if (![200, 409].includes(response.status())) throw new Error(`Session clean-up failed: ${response.status()} ${await response.text()}`);
}
