/**
 * Lesson checks that stop brokers: the learner presses Stop in the cluster panel, runs the snippet, then
 * presses Start; or the snippet stops and starts brokers itself (`disruptive`). They run alone, after every
 * other check, because a stopped broker affects every run.
 */
import { expect, test, type Page } from "@playwright/test";
import { assertExpectations, cleanUpSession, runSnippet, snippetLocator } from "../support/lesson-driver.ts";
import { loadLessons, type SnippetSpec } from "../support/manifest.ts";
import { healthSchema } from "../../runner/src/protocol/cluster.ts";

const stopsBrokers = (s: SnippetSpec) => s.stopBrokers.length > 0 || s.disruptive;
const lessons = loadLessons().filter((l) => l.snippets.some(stopsBrokers));

async function brokerUp(page: Page, id: number): Promise<boolean> {
  const health = healthSchema.parse(await (await page.request.get("/api/health")).json());
  return health.cluster.brokers.find((b) => b.id === id)?.up ?? false;
}

async function setBroker(page: Page, id: number, action: "Stop" | "Start"): Promise<void> {
  await page.getByRole("button", { name: `${action} broker ${id}` }).click();
  await expect
    .poll(() => brokerUp(page, id), { timeout: 90_000, message: `broker ${id} did not ${action.toLowerCase()}` })
    .toBe(action === "Start");
}

test.describe.configure({ mode: "serial" });

// One test per lesson, its fault snippets in lesson order on one page (one session): a later lab may build on
// what an earlier one made while more brokers were up, as a learner working down the page would.
for (const lesson of lessons) {
  const snippets = lesson.snippets.filter(stopsBrokers);
  const title = (s: SnippetSpec) =>
    s.stopBrokers.length > 0
      ? `snippet ${s.file} with broker(s) ${s.stopBrokers.join(", ")} stopped`
      : `snippet ${s.file}, which stops brokers itself`;
  test(`${lesson.id} › ${snippets.map(title).join("; ")}`, async ({ page }) => {
    test.setTimeout(snippets.reduce((sum, s) => sum + s.timeoutSeconds + 240, 60) * 1000);
    await page.goto(lesson.url);
    const stopped = new Set<number>();
    try {
      for (const snippet of snippets) {
        for (const id of [...stopped]) {
          if (!snippet.stopBrokers.includes(id)) {
            await setBroker(page, id, "Start");
            stopped.delete(id);
          }
        }
        for (const id of snippet.stopBrokers) {
          if (!stopped.has(id)) {
            await setBroker(page, id, "Stop");
            stopped.add(id);
          }
        }
        const outcome = await runSnippet(page, snippetLocator(page, snippet.id), (snippet.timeoutSeconds + 10) * 1000);
        assertExpectations(lesson, snippet, outcome);
      }
    } finally {
      for (const id of [1, 2, 3]) if (!(await brokerUp(page, id))) await setBroker(page, id, "Start");
      await cleanUpSession(page);
    }
  });
}

test("fault lessons leave every broker running", async ({ page }) => {
  for (const id of [1, 2, 3]) expect(await brokerUp(page, id), `broker ${id} is still down`).toBe(true);
});
