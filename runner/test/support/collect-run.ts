/** Test helper: posts a run to a live server and collects its server-sent events. */
import type { RunEvent } from "../../src/protocol/index.ts";
import { parseRunStream } from "../../src/protocol/sse.ts";

export interface CollectedRun {
  status: number;
  events: RunEvent[];
  stdout: string;
  stderr: string;
  end: Extract<RunEvent, { event: "end" }>["data"] | undefined;
}

/** The server the integration tests talk to; `npm test` starts it and sets OFFSET_TEST_URL. */
export function testServerUrl(): string {
  const url = process.env.OFFSET_TEST_URL;
  if (!url)
    throw new Error("OFFSET_TEST_URL is not set: run the integration tests through `npm test`, which starts the cluster and the runner.");
  return url;
}

export async function collectRun(baseUrl: string, body: unknown, init: RequestInit = {}): Promise<CollectedRun> {
  const response = await fetch(`${baseUrl}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers ?? {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
  const result: CollectedRun = { status: response.status, events: [], stdout: "", stderr: "", end: undefined };
  if (!response.ok || !response.body) return result;
  for (const event of parseRunStream(await response.text())) {
    result.events.push(event);
    if (event.event === "stdout") result.stdout += event.data.text;
    if (event.event === "stderr") result.stderr += event.data.text;
    if (event.event === "end") result.end = event.data;
  }
  return result;
}
