/**
 * The HTTP surface: /api/* plus the built site, on one port. Faults of the layers below are typed by kind and
 * mapped to HTTP status codes here, in onError; internals never reach the client.
 */
import fs from "node:fs";
import path from "node:path";
import { serveStatic } from "@hono/node-server/serve-static";
import { Hono, type Context } from "hono";
import { ClusterError } from "./cluster/index.ts";
import { ApiError, QueueFullError } from "./errors.ts";
import { clusterRoutes, healthRoutes, type ClusterRouteDeps } from "./routes/cluster.ts";
import { originGuard } from "./routes/guard.ts";
import { runRoutes } from "./routes/runs.ts";
import { serviceRoutes } from "./routes/services.ts";
import { sessionRoutes } from "./routes/session.ts";
import type { SessionJanitor } from "./session/cleanup.ts";
import type { Sessions } from "./session/index.ts";
import type { RunManager } from "./runs/manager.ts";
import type { ServiceName } from "./services/types.ts";
import { ServiceError } from "./services/types.ts";

export interface AppDeps extends ClusterRouteDeps {
  runs: RunManager;
  janitor: SessionJanitor;
  sessions: Sessions;
  /** The companion services lesson `lesson` declares (needs.services). */
  lessonServices: (lesson: string) => ServiceName[];
  /** Folder of the built site (dist/); omitted in API-only tests. */
  siteDir?: string;
}

/** The one mapping of faults to HTTP responses (Hono's onError). Exported for tests that mount single routes. */
export function errorResponse(error: Error, c: Context): Response {
  if (error instanceof ApiError) {
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json({ error: error.message }, error.status);
  }
  if (error instanceof QueueFullError) {
    c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json({ error: error.message }, 429);
  }
  if (error instanceof ClusterError || error instanceof ServiceError) return c.json({ error: error.message }, 409);
  console.error(`[runner] ${c.req.method} ${c.req.path} failed:`, error);
  return c.json({ error: "The runner hit an internal error. It has been logged; try again." }, 500);
}

/** A year: what a file whose name carries its content's hash may be cached for. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Caching for the built site: Astro's `/_astro/` files are named by their content's hash, so a browser keeps them
 * for good and a second visit fetches no JavaScript; pages and other files are checked again on each visit.
 */
export const staticCaching = async (c: Context, next: () => Promise<void>): Promise<void> => {
  await next();
  if ((c.req.method !== "GET" && c.req.method !== "HEAD") || c.res.status !== 200 || c.req.path.startsWith("/api/")) return;
  c.header("Cache-Control", c.req.path.startsWith("/_astro/") ? IMMUTABLE : "no-cache");
};

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();

  // Before anything else: a foreign host or a foreign page's request never reaches a route.
  app.use("*", originGuard({ publicUrl: deps.config.PUBLIC_URL, allowedOrigins: deps.config.ALLOWED_ORIGINS }));
  app.route("/api/runs", runRoutes(deps.runs));
  app.route("/api/health", healthRoutes(deps));
  app.route("/api/cluster", clusterRoutes(deps));
  app.route("/api/session", sessionRoutes(deps.sessions, deps.janitor));
  app.route("/api/services", serviceRoutes(deps.services, deps.lessonServices));
  app.all("/api/*", (c) => c.json({ error: `No API endpoint ${c.req.method} ${c.req.path}.` }, 404));

  if (deps.siteDir && fs.existsSync(deps.siteDir)) {
    const root = path.relative(process.cwd(), deps.siteDir) || ".";
    app.use("/*", staticCaching);
    // The build writes brotli and gzip copies beside each file (scripts/precompress.ts): sent to browsers that accept them.
    app.use("/*", serveStatic({ root, precompressed: true }));
    app.notFound((c) => {
      const page = path.join(deps.siteDir!, "404.html");
      return c.html(fs.existsSync(page) ? fs.readFileSync(page, "utf8") : "Not found", 404);
    });
  }

  app.onError(errorResponse);

  return app;
}
