/**
 * The tokens of the runner's HTTP gates (Kafka Connect's REST gate, the security gate): a run's gate URL carries
 * "<session>.<hmac>", the session's name and an HMAC of it under the runner's secret. A gate checks the HMAC:
 * nothing to store, nothing lost on a restart, and no session can make another's token. Each gate keys its HMAC
 * with its own purpose, so a token for one gate opens no other.
 */
import crypto from "node:crypto";

const TOKEN_HEX = 32;

/** The HMAC that proves a URL of gate `purpose` was given to `labSession`. */
function mac(secret: string, labSession: string, purpose: string): string {
  return crypto.createHmac("sha256", secret).update(`${purpose}:${labSession}`).digest("hex").slice(0, TOKEN_HEX);
}

/** The token in a session's gate URL: "<session>.<hmac>", or the HMAC alone for a single learner. */
export function gateToken(secret: string, labSession: string, purpose = "connect-gate"): string {
  return labSession ? `${labSession}.${mac(secret, labSession, purpose)}` : mac(secret, labSession, purpose);
}

/** The session a token was made for, or undefined when the token was not made with `secret` for `purpose`. */
export function sessionOfToken(secret: string, token: string, purpose = "connect-gate"): string | undefined {
  const dot = token.lastIndexOf(".");
  const labSession = dot < 0 ? "" : token.slice(0, dot);
  const given = Buffer.from(dot < 0 ? token : token.slice(dot + 1));
  const expected = Buffer.from(mac(secret, labSession, purpose));
  return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? labSession : undefined;
}
