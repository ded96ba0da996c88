/**
 * Lesson checks: every snippet of every lesson runs through the page as a learner would and must show what
 * its lesson declares; every exercise's starter must fail its check and its solution must pass.
 * Snippets that need stopped brokers live in lessons-faults.spec.ts.
 */
import { expect, test } from "@playwright/test";
import { assertExpectations, cleanUpSession, runSnippet, snippetLocator } from "../support/lesson-driver.ts";
import { loadLessons } from "../support/manifest.ts";

const lessons = loadLessons();

test("the course has lessons to check", () => {
  expect(lessons.length, "No lessons found in the manifest").toBeGreaterThan(0);
});

for (const lesson of lessons) {
  test.describe(lesson.id, () => {
    test.afterEach(async ({ page }) => cleanUpSession(page));

    for (const snippet of lesson.snippets.filter((s) => s.stopBrokers.length === 0)) {
      test(`snippet ${snippet.file}`, async ({ page }) => {
        test.setTimeout((snippet.timeoutSeconds + 30) * 1000);
        await page.goto(lesson.url);
        const outcome = await runSnippet(page, snippetLocator(page, snippet.id), (snippet.timeoutSeconds + 10) * 1000);
        assertExpectations(lesson, snippet, outcome);
      });
    }

    for (const exercise of lesson.exercises) {
      test(`exercise ${exercise.id}: starter fails, solution passes`, async ({ page }) => {
        test.setTimeout(150_000);
        await page.goto(lesson.url);
        const where = `Lesson "${lesson.id}", exercise "${exercise.id}"`;
        const starter = await runSnippet(page, snippetLocator(page, `${lesson.id}/${exercise.starter}`), 60_000);
        expect(starter.check, `${where}: the starter code must NOT pass its check.\n${starter.output}`).not.toBe("passed");

        const section = page.locator(`[data-exercise-id="${exercise.id}"]`);
        await section.getByText("Show the solution").click();
        const solution = await runSnippet(page, snippetLocator(page, `${lesson.id}/${exercise.solution}`), 60_000);
        const message = await section.locator('[data-part="check"]').last().textContent();
        expect(
          solution.check,
          `${where}: the solution must pass its check (run ended "${solution.reason}"; check said: ${message}).\n${solution.output}`,
        ).toBe("passed");
      });
    }
  });
}
