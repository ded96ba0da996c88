/**
 * Page weight as a learner's browser fetches it: the bytes of every response a page loads as they came over the
 * wire (the encoded body, compressed when the server compressed it, plus its headers), and each body's decoded
 * size. Measured before any interaction, again after the editor has loaded, and on a second visit with the same
 * browser cache, which should fetch no JavaScript at all.
 */
import type { Browser, Page, Response } from "playwright";

export interface Weight {
  requests: number;
  /** JavaScript as transferred: encoded bodies and headers. */
  jsWireKb: number;
  totalWireKb: number;
  /** JavaScript decoded, as the browser parses it. */
  jsRawKb: number;
  totalRawKb: number;
}

interface Entry {
  url: string;
  js: boolean;
  raw: number;
  wire: number;
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
      Promise.all([
        response.body(),
        response
          .request()
          .sizes()
          .catch(() => undefined),
        response.headersArray(),
      ]).then(
        ([body, sizes, headers]) => {
          // A data: or repeated URL (e.g. a module imported twice) costs one fetch.
          if (seen.has(response.url()) || response.url().startsWith("data:")) return;
          seen.add(response.url());
          const length = Number(headers.find((h) => h.name.toLowerCase() === "content-length")?.value ?? body.length);
          const headerBytes = headers.reduce((sum, h) => sum + h.name.length + h.value.length + 4, 0);
          // A response from the browser's cache transferred nothing.
          // Chromium records no body size for a worker's script (0): its Content-Length stands in there too.
          const measured = sizes && (sizes.responseBodySize > 0 || body.length === 0);
          const wire = response.fromServiceWorker()
            ? 0
            : measured
              ? sizes.responseBodySize + sizes.responseHeadersSize
              : length + headerBytes;
          entries.push({ url: response.url(), js: isJs(response), raw: body.length, wire });
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
    jsWireKb: kb(sum((e) => e.wire, true)),
    totalWireKb: kb(sum((e) => e.wire, false)),
    jsRawKb: kb(sum((e) => e.raw, true)),
    totalRawKb: kb(sum((e) => e.raw, false)),
  };
}

export interface PageWeight {
  url: string;
  beforeInteraction: Weight;
  /** After the first snippet's editor loaded; undefined for a page without one. */
  afterEditor?: Weight | undefined;
  largestJs: { url: string; wireKb: number }[];
  /** The same page again in the same browser: JavaScript fetched over the network rather than from the cache. */
  secondVisit?: { jsRequests: number; jsWireKb: number } | undefined;
}

/**
 * Opens `url` again in `context` and counts the JavaScript that came over the network. Chromium's DevTools
 * protocol says which responses came from its memory or disk cache; the rest were fetched (a 304 counts as a
 * fetch of its headers).
 */
async function revisit(context: import("playwright").BrowserContext, url: string): Promise<{ jsRequests: number; jsWireKb: number }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  const fetched = new Map<string, { js: boolean; bytes: number }>();
  cdp.on("Network.responseReceived", (event) => {
    const r = event.response;
    if (r.fromDiskCache || r.fromPrefetchCache || r.url.startsWith("data:")) return;
    const js = event.type === "Script" || /javascript|ecmascript/.test(r.mimeType) || /\.m?js(\?|$)/.test(r.url);
    fetched.set(event.requestId, { js, bytes: 0 });
  });
  cdp.on("Network.requestServedFromCache", (event) => fetched.delete(event.requestId));
  cdp.on("Network.loadingFinished", (event) => {
    const entry = fetched.get(event.requestId);
    if (entry) entry.bytes = event.encodedDataLength;
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(300);
  const js = [...fetched.values()].filter((e) => e.js);
  await page.close();
  return { jsRequests: js.length, jsWireKb: Math.round((js.reduce((sum, e) => sum + e.bytes, 0) / 1024) * 10) / 10 };
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
      .sort((a, b) => b.wire - a.wire)
      .slice(0, 3)
      .map((e) => ({ url: new URL(e.url).pathname, wireKb: Math.round((e.wire / 1024) * 10) / 10 }));
    const secondVisit = await revisit(context, url);
    return { url: new URL(url).pathname, beforeInteraction, afterEditor, largestJs, secondVisit };
  } finally {
    await context.close();
  }
}
