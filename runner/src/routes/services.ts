/**
 * GET /api/services: each companion service and its state. POST /api/services/warm {"lesson": "kraft"}: starts
 * the services a lesson needs in the background when its page opens, so the first Run does not wait for them.
 * The page polls GET to show "Starting RabbitMQ… / ready".
 */
import { Hono } from "hono";
import { z } from "zod";
import { ApiError } from "../errors.ts";
import type { ServiceManager } from "../services/manager.ts";
import type { ServiceName } from "../services/types.ts";
import { requireJson } from "./guard.ts";

const warmSchema = z.object({ lesson: z.string().regex(/^[a-z0-9-]{1,100}$/, '`lesson` is a lesson\'s id, such as "kraft"') });

export function serviceRoutes(services: ServiceManager, lessonServices: (lesson: string) => ServiceName[]): Hono {
  const app = new Hono();

  app.get("/", async (c) => c.json({ services: await services.status() }));

  app.post("/warm", requireJson(), async (c) => {
    const parsed = warmSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw new ApiError(400, 'Send {"lesson": "<lesson id>"}, e.g. {"lesson": "kraft"}.');
    const names = lessonServices(parsed.data.lesson).filter((name) => services.has(name));
    for (const name of names) {
      // Failures show in the states the page polls (and in the runner's log); a run retries the start.
      void services.up(name).catch(() => {});
    }
    const states = await services.status();
    return c.json({ lesson: parsed.data.lesson, services: states.filter((s) => names.includes(s.name)) });
  });

  return app;
}
