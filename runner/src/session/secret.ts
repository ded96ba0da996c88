/** A runner secret kept in OFFSET_HOME, for deriving session prefixes when the cluster has no learner secret. */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function runnerSecret(home: string): string {
  const file = path.join(home, "runner-secret");
  if (!fs.existsSync(file)) {
    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(file, crypto.randomBytes(24).toString("hex"), { mode: 0o600 });
  }
  return fs.readFileSync(file, "utf8").trim();
}
