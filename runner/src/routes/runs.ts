/** POST /api/runs (stream a run as server-sent events) and POST /api/runs/:id/cancel. */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { streamSSE } from "hono/streaming";
import { ApiError } from "../errors.ts";
import { requireJson } from "./guard.ts";
import { MAX_CODE_BYTES, runRequestSchema } from "../protocol/index.ts";
import type { RunManager } from "../runs/manager.ts";
import { sessionOf } from "../session/index.ts";

export function runRoutes(runs: RunManager): Hono {
  const app = new Hono();

  const tooLong = () => {
    throw new ApiError(413, `The code is too long: the limit is ${MAX_CODE_BYTES / 1024} KB.`);
  };
  // The body is refused as it streams in (or from Content-Length) once it passes the limit, never read whole first.
  app.post("/", requireJson(), bodyLimit({ maxSize: MAX_CODE_BYTES + 4096, onError: tooLong }), async (c) => {
    const raw = await c.req.text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      throw new ApiError(400, 'The request body is not valid JSON. Send {"code": "...", "lang": "ts"}.');
    }
    const parsed = runRequestSchema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError(400, parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
    }
    if (Buffer.byteLength(parsed.data.code) > MAX_CODE_BYTES) {
      throw new ApiError(413, `The code is too long: the limit is ${MAX_CODE_BYTES / 1024} KB.`);
    }
    const run = runs.create(parsed.data, sessionOf(c));
    c.header("X-Run-Id", run.id);
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => run.cancel());
      for await (const event of run.events) {
        if (stream.aborted) break;
        await stream.writeSSE({ event: event.event, data: JSON.stringify(event.data) });
      }
    });
  });

  app.post("/:id/cancel", (c) => {
    if (!runs.cancel(c.req.param("id"))) throw new ApiError(404, "No such run: it has finished already or the id is wrong.");
    return c.json({ cancelled: true });
  });

  return app;
}
