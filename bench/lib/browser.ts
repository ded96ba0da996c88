/**
 * Click on Run to the first output line painted, in Chromium, on the first lesson's first snippet. Cold: a fresh
 * page, so the click also starts loading the editor. Warm: the second run on the same page.
 * The page itself stamps the click (a capture listener) and the first animation frame after text appears in the
 * log, so Playwright's own round trips are not in the figure.
 */
import { chromium, type Browser, type Page } from "playwright";

export const LESSON_PATH = "/events-and-the-log/your-first-event/";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

async function instrument(page: Page): Promise<void> {
  await page.evaluate(() => {
    const snippet = document.querySelector("offset-snippet")!;
    const log = snippet.querySelector('[data-part="log"]')!;
    const run = snippet.querySelector('[data-action="run"]')!;
    const w = window as unknown as { __bench: { click: number; painted: number; pending: boolean } };
    w.__bench = { click: 0, painted: 0, pending: false };
    run.addEventListener("click", () => Object.assign(w.__bench, { click: performance.now(), painted: 0, pending: false }), {
      capture: true,
    });
    new MutationObserver(() => {
      const b = w.__bench;
      if (!b.click || b.painted || b.pending || !log.textContent?.trim()) return;
      b.pending = true;
      requestAnimationFrame(() => (b.painted = performance.now()));
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
}

async function clickToPaint(page: Page): Promise<number> {
  await page.locator('offset-snippet [data-action="run"]').first().click();
  await page.waitForFunction(() => (window as unknown as { __bench: { painted: number } }).__bench.painted > 0, undefined, {
    timeout: 90_000,
    polling: 20,
  });
  const ms = await page.evaluate(() => {
    const b = (window as unknown as { __bench: { click: number; painted: number } }).__bench;
    return b.painted - b.click;
  });
  // The next click must find the previous run finished (Run is disabled while one runs).
  await page.locator('offset-snippet[data-running="false"]').first().waitFor({ timeout: 90_000 });
  return ms;
}

export interface BrowserTrial {
  coldMs: number;
  warmMs: number;
}

/** One fresh context: a cold click, then a warm one on the same page. */
export async function browserTrial(browser: Browser, baseUrl: string): Promise<BrowserTrial> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}${LESSON_PATH}`, { waitUntil: "load" });
    await instrument(page);
    const coldMs = await clickToPaint(page);
    // Cold also loaded the editor; let it settle so warm measures a run, not the tail of that download.
    await page.locator('offset-snippet[data-editing="true"]').first().waitFor({ timeout: 60_000 });
    const warmMs = await clickToPaint(page);
    return { coldMs, warmMs };
  } finally {
    await context.close();
  }
}
