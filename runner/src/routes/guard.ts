/**
 * Browser-origin protection for the whole API. A course on a laptop listens on 127.0.0.1, but any page the
 * learner visits can still send it requests: a cross-site form or `fetch` with a `text/plain` body needs no CORS
 * preflight, and a DNS-rebinding page reaches 127.0.0.1 under its own host name. So:
 *   - every request must name a host the course serves (loopback names, any IP literal, the host of PUBLIC_URL
 *     or of an ALLOWED_ORIGINS entry): a rebinding page arrives with its own name and is refused;
 *   - a state-changing request that a browser marks as foreign (an `Origin` that is neither the course's own nor
 *     listed, `Origin: null`, or `Sec-Fetch-Site: cross-site`) is refused;
 *   - JSON endpoints take only `Content-Type: application/json`, which a cross-site page cannot send without a
 *     CORS preflight that the course never answers.
 * Clients that are not browsers (curl, the bench, Playwright's request API) send no `Origin` and pass.
 */
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors.ts";

export interface OriginPolicy {
  /** PUBLIC_URL: the address learners use, when the course is served under a name or behind a proxy. */
  publicUrl?: string | undefined;
  /** ALLOWED_ORIGINS: further origins whose pages may use the API (e.g. a proxy's public origin). */
  allowedOrigins: readonly string[];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host name of a Host header value ("[::1]:4321" → "::1", "Example.org:80" → "example.org"). */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase();
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]") > 0 ? value.indexOf("]") : undefined);
  const colon = value.lastIndexOf(":");
  return colon >= 0 && value.indexOf(":") === colon ? value.slice(0, colon) : value;
}

const isIpLiteral = (name: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(name) || name.includes(":");
const isLoopbackName = (name: string) => name === "localhost" || name.endsWith(".localhost");

/** Checks one request's Host and Origin; returns why it is refused, or undefined when it may pass. */
export class OriginGuard {
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(policy: OriginPolicy) {
    const listed = [...(policy.publicUrl ? [policy.publicUrl] : []), ...policy.allowedOrigins].map((url) => new URL(url));
    this.origins = new Set(listed.map((url) => url.origin));
    this.hosts = new Set(listed.map((url) => hostName(url.host)));
  }

  /**
   * IP literals cannot be rebound (the attacker's page would have to be served from that very address and
   * port, which is the course), and loopback names resolve to this machine; any other name must be listed.
   */
  hostAllowed(host: string | undefined): boolean {
    if (!host) return false;
    const name = hostName(host);
    return isIpLiteral(name) || isLoopbackName(name) || this.hosts.has(name);
  }

  /** An Origin is the course's own when it names the host the request came to, or is listed. */
  originAllowed(origin: string, host: string): boolean {
    if (this.origins.has(origin)) return true;
    try {
      return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
    } catch {
      return false;
    }
  }

  refusal(request: {
    method: string;
    host: string | undefined;
    origin: string | undefined;
    fetchSite: string | undefined;
  }): string | undefined {
    if (!this.hostAllowed(request.host)) {
      return `This course does not serve the host "${request.host ?? ""}". If learners reach it under that name, set PUBLIC_URL (e.g. PUBLIC_URL=https://${request.host ?? "course.example.org"}) or add the origin to ALLOWED_ORIGINS.`;
    }
    if (SAFE_METHODS.has(request.method)) return undefined;
    if (request.fetchSite === "cross-site") {
      return "Requests from another site's page are refused. Open the course itself, or list that page's origin in ALLOWED_ORIGINS.";
    }
    if (request.origin === undefined) return undefined;
    if (request.origin === "null" || !this.originAllowed(request.origin, request.host!)) {
      return `Requests from the page at origin "${request.origin}" are refused: only the course's own pages may change anything. If that is your course behind a proxy, add the origin to ALLOWED_ORIGINS.`;
    }
    return undefined;
  }
}

/** Hono middleware: 403 with a JSON error for a foreign host or origin. */
export function originGuard(policy: OriginPolicy): MiddlewareHandler {
  const guard = new OriginGuard(policy);
  return async (c, next) => {
    const reason = guard.refusal({
      method: c.req.method,
      host: c.req.header("host"),
      origin: c.req.header("origin"),
      fetchSite: c.req.header("sec-fetch-site"),
    });
    if (reason) throw new ApiError(403, reason);
    await next();
  };
}

/** Hono middleware for endpoints whose body is JSON: 415 for any other content type. */
export function requireJson(): MiddlewareHandler {
  return async (c, next) => {
    const type = c.req.header("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (type !== "application/json") {
      throw new ApiError(
        415,
        `Send the request body as JSON with the header "Content-Type: application/json" (got ${type ? `"${type}"` : "no content type"}).`,
      );
    }
    await next();
  };
}
