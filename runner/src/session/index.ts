/**
 * Browser sessions: each browser gets a random id in a cookie. In classroom mode that id scopes the learner's
 * topic, group and transactional-id names, and the cluster view shows a session only its own names.
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

/** The LAB_SESSION prefix for a session: "" in single mode, "s-<id>" in classroom mode. */
export function labSessionFor(mode: "single" | "classroom", session: string): string {
  return mode === "classroom" ? `s-${session}` : "";
}

/** Whether a topic or group name belongs to the session (everything does in single mode). */
export function visibleTo(mode: "single" | "classroom", session: string): (name: string) => boolean {
  if (mode === "single") return () => true;
  const prefix = `${labSessionFor(mode, session)}.`;
  return (name) => name.startsWith(prefix);
}
