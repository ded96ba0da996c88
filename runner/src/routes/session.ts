/** DELETE /api/session: removes the caller's topics and groups (classroom mode) so a lab starts clean. */
import { Hono } from "hono";
import type { Config } from "../config/index.ts";
import { ApiError } from "../errors.ts";
import type { SessionJanitor } from "../session/cleanup.ts";
import { labSessionFor, sessionOf } from "../session/index.ts";

export function sessionRoutes(config: Config, janitor: SessionJanitor): Hono {
  return new Hono().delete("/", async (c) => {
    const prefix = labSessionFor(config.COURSE_MODE, sessionOf(c));
    if (!prefix) throw new ApiError(409, "Single-user mode has no per-session names to clean up; delete topics with the admin API instead.");
    return c.json({ deleted: await janitor.purge(prefix) });
  });
}
