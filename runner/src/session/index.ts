/**
 * Browser sessions: each browser gets a random id in a cookie. In classroom mode the session's names (topics,
 * groups, transactional ids) start with a prefix derived from that id with a secret, so names visible to others
 * (in ACLs, in logs) never reveal the cookie, and the prefix doubles as the session's Kafka login.
 */
import crypto from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

const COOKIE = "offset_session";

/** Returns this request's session id, creating the cookie on first contact. */
export function sessionOf(c: Context): string {
  const existing = getCookie(c, COOKIE);
  if (existing && /^[a-f0-9]{16}$/.test(existing)) return existing;
  const id = crypto.randomBytes(8).toString("hex");
  setCookie(c, COOKIE, id, { httpOnly: true, sameSite: "Lax", path: "/", maxAge: 60 * 60 * 24 * 30 });
  return id;
}

/**
 * A classroom session's names as a regular expression, group 1 the prefix: "s-", 12 hex digits, then ".". The
 * brokers' topic policy gets it as a string (no backslash: server.properties would eat it), the runner's watcher too.
 */
export const SESSION_TOPIC_PATTERN = "^(s-[0-9a-f]{12})[.]";

const hmac = (secret: string, text: string) => crypto.createHmac("sha256", secret).update(text).digest("hex");

export class Sessions {
  readonly mode: "single" | "classroom";
  private readonly secret: string;

  constructor(mode: "single" | "classroom", secret: string) {
    this.mode = mode;
    this.secret = secret;
  }

  /** The LAB_SESSION prefix: "" for a single learner, "s-<12 hex>" per browser session in classroom mode. */
  prefix(session: string): string {
    return this.mode === "classroom" ? `s-${hmac(this.secret, `session:${session}`).slice(0, 12)}` : "";
  }

  /** Whether a topic or group name belongs to the session (everything does in single mode). */
  visibleTo(session: string): (name: string) => boolean {
    if (this.mode === "single") return () => true;
    const prefix = `${this.prefix(session)}.`;
    return (name) => name.startsWith(prefix);
  }

  /** The Kafka login of a session prefix on the learner listener: the broker checks the same HMAC. */
  credentials(prefix: string): { username: string; password: string } {
    return { username: prefix, password: hmac(this.secret, prefix) };
  }
}
