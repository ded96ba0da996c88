/** DELETE /api/session: removes the caller's topics and groups (classroom mode) so a lab starts clean. */
import { Hono } from "hono";
import { ApiError } from "../errors.ts";
import type { SessionJanitor } from "../session/cleanup.ts";
import { sessionOf, type Sessions } from "../session/index.ts";

export function sessionRoutes(sessions: Sessions, janitor: SessionJanitor): Hono {
  return new Hono().delete("/", async (c) => {
    const prefix = sessions.prefix(sessionOf(c));
    if (!prefix)
      throw new ApiError(409, "Single-user mode has no per-session names to clean up; delete topics with the admin API instead.");
    return c.json({ deleted: await janitor.purge(prefix) });
  });
}
