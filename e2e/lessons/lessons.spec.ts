/**
 * Lesson checks: every snippet of every lesson runs through the page as a learner would and must show what
 * its lesson declares; every exercise's starter must fail its check and its solution must pass.
 * Snippets that need stopped brokers, or stop brokers themselves (`disruptive`), live in lessons-faults.spec.ts.
 */
import { expect, test } from "@playwright/test";
import { assertExpectations, cleanUpSession, runSnippet, snippetLocator } from "../support/lesson-driver.ts";
import { loadLessons } from "../support/manifest.ts";
import { exerciseRunId } from "../../runner/src/protocol/lessons.ts";
import { parseRunStream } from "../../runner/src/protocol/sse.ts";

const lessons = loadLessons();

test("the course has lessons to check", () => {
  expect(lessons.length, "No lessons found in the manifest").toBeGreaterThan(0);
});

for (const lesson of lessons) {
  test.describe(lesson.id, () => {
    test.afterEach(async ({ page }) => cleanUpSession(page));

    for (const snippet of lesson.snippets.filter((s) => s.stopBrokers.length === 0 && !s.disruptive)) {
      test(`snippet ${snippet.file}`, async ({ page }) => {
        test.setTimeout((snippet.timeoutSeconds + 30) * 1000);
        await page.goto(lesson.url);
        const outcome = await runSnippet(page, snippetLocator(page, snippet.id), (snippet.timeoutSeconds + 10) * 1000);
        assertExpectations(lesson, snippet, outcome);
      });
    }

    for (const exercise of lesson.exercises) {
      for (const wrong of exercise.wrong) {
        // Through the API, as the exercise's Run button sends it: the check must fail and say why in words.
        test(`exercise ${exercise.id}: rejects ${wrong.file}`, async ({ request }) => {
          test.setTimeout(150_000);
          const where = `Lesson "${lesson.id}", exercise "${exercise.id}", wrong solution ${wrong.file} (${wrong.what})`;
          const response = await request.post("/api/runs", {
            data: { code: wrong.code, lang: "ts", exercise: exerciseRunId(lesson.id, exercise.id) },
            timeout: 140_000,
          });
          expect(response.status(), `${where}: the run was refused`).toBe(200);
          const events = parseRunStream(await response.text());
          const output = events.map((e) => (e.event === "stdout" || e.event === "stderr" ? e.data.text : "")).join("");
          const end = events.find((e) => e.event === "end");
          expect(end?.data, `${where}: the wrong solution itself must run to the end so its check can judge it.\n${output}`).toMatchObject({
            reason: "ok",
          });
          const check = events.find((e) => e.event === "check");
          expect(check?.data.passed, `${where}: the check ACCEPTED this wrong solution.\n${output}`).toBe(false);
          expect(check?.data.message ?? "", `${where}: the check must say what is wrong`).not.toMatch(/^(The check ended|Check passed)/);
        });
      }

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
