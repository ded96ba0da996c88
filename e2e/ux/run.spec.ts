/** Running a snippet: output streams, the end state shows, records land in partitions, failures read plainly. */
import { expect, test } from "@playwright/test";
import { LESSON, openEditor, snippet } from "./helpers.ts";

test.beforeEach(async ({ page }) => {
  await page.goto(LESSON);
  await page.evaluate(() => localStorage.clear());
  await page.reload();
});

test("Run streams output and shows how the run ended", async ({ page }) => {
  const root = snippet(page, "produce.ts");
  await root.getByRole("button", { name: /Run/ }).click();
  // The status line speaks at once; a fast run may already be past "Starting…", "Waiting in line" and "Running…".
  await expect(root.getByRole("status").first()).toContainText(/Starting|Running|Waiting|Next|Finished/);
  const status = root.locator('[data-part="status"]');
  await expect(status).toHaveAttribute("data-state", "ok", { timeout: 60_000 });
  await expect(status).toContainText("Finished");
  await expect(root.getByRole("log")).toContainText(/Written to first-events, partition \d+, offset \d+/);
  await expect(root.locator('[data-part="elapsed"]')).toHaveText(/\d+\.\d s/);
  // The produced record is drawn in its partition's lane.
  await expect(root.locator(".lanes-cell")).toHaveCount(1);
  // Progress is recorded for the sidebar.
  await expect(page.locator("nav.sidebar .lesson-progress").first()).toBeVisible();
});

test("Ctrl+Enter inside the editor runs the snippet", async ({ page }) => {
  const { root, editor } = await openEditor(page, "produce.ts");
  await editor.locator(".view-lines").click();
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(root.locator('[data-part="status"]')).toHaveAttribute("data-state", /running|ok/);
  await expect(root.locator('[data-part="status"]')).toHaveAttribute("data-state", "ok", { timeout: 60_000 });
});

test("an unreachable runner gets a clear message, not a spinner", async ({ page }) => {
  await page.route("**/api/runs", (route) => route.abort("connectionrefused"));
  const root = snippet(page, "produce.ts");
  await root.getByRole("button", { name: /Run/ }).click();
  const status = root.locator('[data-part="status"]');
  await expect(status).toHaveAttribute("data-state", "failed");
  await expect(status).toContainText("Cannot reach the course runner");
  await expect(root.getByRole("button", { name: /Run/ })).toBeEnabled();
});
