/** Bad input gets a 4xx with a JSON error that says what to fix, and never a crash. */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: unknown };
  expect(typeof body.error).toBe("string");
  return body.error as string;
}

const post = (body: string) => fetch(`${base}/api/runs`, { method: "POST", headers: { "content-type": "application/json" }, body });

describe("bad input", () => {
  it("malformed JSON → 400", async () => {
    const response = await post("{not json");
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/not valid JSON/);
  });

  it("wrong types → 400 naming the field", async () => {
    const response = await post(JSON.stringify({ code: 42, lang: "ts" }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/code/);
  });

  it("empty code → 400", async () => {
    const response = await post(JSON.stringify({ code: "", lang: "ts" }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/empty/);
  });

  it("unknown language → 400", async () => {
    const response = await post(JSON.stringify({ code: "print(1)", lang: "python" }));
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(/use "ts" \(TypeScript\), "sh" \(.*\) or "py" \(Python 3\)/);
  });

  it("code over 64 KB → 413", async () => {
    const response = await post(JSON.stringify({ code: `// ${"x".repeat(70 * 1024)}`, lang: "ts" }));
    expect(response.status).toBe(413);
    expect(await errorOf(response)).toMatch(/64 KB/);
  });

  it("cancel of an unknown run → 404", async () => {
    const response = await fetch(`${base}/api/runs/no-such-run/cancel`, { method: "POST" });
    expect(response.status).toBe(404);
    expect(await errorOf(response)).toMatch(/No such run/);
  });

  it("unknown API path → 404 JSON", async () => {
    const response = await fetch(`${base}/api/nothing-here`);
    expect(response.status).toBe(404);
    await errorOf(response);
  });

  it("the runner still runs code afterwards", async () => {
    const run = await collectRun(base, { code: `console.log("still fine")`, lang: "ts" });
    expect(run.stdout).toContain("still fine");
    expect(run.end?.reason).toBe("ok");
  }, 30_000);
});
