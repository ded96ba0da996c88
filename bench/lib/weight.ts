/**
 * Page weight as a learner's browser fetches it: every response body a page loads, gzipped here (level 6, what a
 * typical reverse proxy does) so the figure does not depend on whether the runner compresses. Measured before any
 * interaction, and again after the editor has loaded.
 */
import zlib from "node:zlib";
import type { Browser, Page, Response } from "playwright";

export interface Weight {
  requests: number;
  jsGzipKb: number;
  totalGzipKb: number;
  jsRawKb: number;
  totalRawKb: number;
}

interface Entry {
  url: string;
  js: boolean;
  raw: number;
  gzip: number;
}

function isJs(response: Response): boolean {
  const type = response.headers()["content-type"] ?? "";
  return response.request().resourceType() === "script" || /javascript|ecmascript/.test(type) || /\.m?js(\?|$)/.test(response.url());
}

/** Records every response of `page` (workers included: the editor's language services run in one). */
function recorder(page: Page): { entries: Entry[]; settle(): Promise<void> } {
  const entries: Entry[] = [];
  const pending: Promise<void>[] = [];
  const seen = new Set<string>();
  const take = (response: Response) => {
    pending.push(
      response.body().then(
        (body) => {
          // A data: or repeated URL (e.g. a module imported twice) costs one fetch.
          if (seen.has(response.url()) || response.url().startsWith("data:")) return;
          seen.add(response.url());
          entries.push({ url: response.url(), js: isJs(response), raw: body.length, gzip: zlib.gzipSync(body, { level: 6 }).length });
        },
        () => {},
      ),
    );
  };
  // Both: the context also sees worker fetches; the URL set keeps a response from counting twice.
  page.on("response", take);
  page.context().on("response", take);
  return {
    entries,
    async settle() {
      await Promise.all(pending);
    },
  };
}

function total(entries: Entry[]): Weight {
  const kb = (n: number) => Math.round((n / 1024) * 10) / 10;
  const sum = (pick: (e: Entry) => number, js: boolean) => entries.filter((e) => !js || e.js).reduce((s, e) => s + pick(e), 0);
  return {
    requests: entries.length,
    jsGzipKb: kb(sum((e) => e.gzip, true)),
    totalGzipKb: kb(sum((e) => e.gzip, false)),
    jsRawKb: kb(sum((e) => e.raw, true)),
    totalRawKb: kb(sum((e) => e.raw, false)),
  };
}

export interface PageWeight {
  url: string;
  beforeInteraction: Weight;
  /** After the first snippet's editor loaded; undefined for a page without one. */
  afterEditor?: Weight | undefined;
  largestJs: { url: string; gzipKb: number }[];
}

/** Loads `url` in a fresh context (empty cache), then, if it has a snippet, opens its editor. */
export async function measurePageWeight(browser: Browser, url: string): Promise<PageWeight> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const rec = recorder(page);
    await page.goto(url, { waitUntil: "networkidle" });
    await rec.settle();
    const beforeInteraction = total(rec.entries);
    let afterEditor: Weight | undefined;
    const edit = page.locator('offset-snippet [data-action="edit"]').first();
    if ((await edit.count()) > 0) {
      await edit.click();
      await page.locator('offset-snippet[data-editing="true"]').first().waitFor({ timeout: 60_000 });
      await page.waitForLoadState("networkidle");
      await page.waitForTimeout(500);
      await rec.settle();
      afterEditor = total(rec.entries);
    }
    const largestJs = rec.entries
      .filter((e) => e.js)
      .sort((a, b) => b.gzip - a.gzip)
      .slice(0, 3)
      .map((e) => ({ url: new URL(e.url).pathname, gzipKb: Math.round((e.gzip / 1024) * 10) / 10 }));
    return { url: new URL(url).pathname, beforeInteraction, afterEditor, largestJs };
  } finally {
    await context.close();
  }
}
