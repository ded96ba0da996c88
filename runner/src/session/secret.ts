/** Secrets kept on disk, created on first use and readable only by this user. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The secret stored in `file`, created (24 random bytes, hex) when the file does not exist yet. */
export function persistentSecret(file: string): string {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(24).toString("hex"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}

/** A runner secret kept in OFFSET_HOME, for deriving session prefixes when the cluster has no learner secret. */
export function runnerSecret(home: string): string {
  return persistentSecret(path.join(home, "runner-secret"));
}
