/** Opening a lesson that runs beside another system starts that system, and every snippet says how it is doing. */
import { expect, test } from "@playwright/test";
import { loadLessons } from "../support/manifest.ts";

const lessons = loadLessons().filter((l) => l.services.length > 0);

for (const lesson of lessons) {
  test(`${lesson.id}: the page starts ${lesson.services.join(", ")} and shows it ready`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.goto(lesson.url);
    const chip = page.locator('offset-snippet [data-part="services"]').first();
    await expect(chip).toBeVisible();
    await expect(chip).toHaveAttribute("data-state", "ready", { timeout: 240_000 });
    await expect(chip).toContainText("ready");
    // A lesson without services shows no chip at all.
    const plain = loadLessons().find((l) => l.services.length === 0 && l.snippets.length > 0);
    if (plain) {
      await page.goto(plain.url);
      await expect(page.locator("offset-snippet").first()).toBeVisible();
      await expect(page.locator('offset-snippet [data-part="services"]')).toHaveCount(0);
    }
  });
}
