/**
 * The learner listener's login check is a small Java class (runner/kafka/auth). It is compiled once per source
 * version against the cached Kafka jars, and each cluster folder keeps a random secret that keys the logins.
 */
import { execFile } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { persistentSecret } from "../../session/secret.ts";
import { ClusterError } from "../types.ts";
import { pomPath } from "./jars.ts";

const run = promisify(execFile);
const sourceRoot = path.join(path.dirname(pomPath), "auth");
const sourceFile = path.join(sourceRoot, "dev/offset/kafka/SessionPlainCallbackHandler.java");

/** Compiles the login check if needed; returns the classes folder to add to the broker class path. */
export async function ensureAuthClasses(libs: string): Promise<string> {
  const source = fs.readFileSync(sourceFile);
  const hash = crypto.createHash("sha256").update(source).digest("hex").slice(0, 12);
  const out = path.join(path.dirname(libs), `auth-${hash}`);
  if (fs.existsSync(path.join(out, ".complete"))) return out;
  const partial = `${out}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(partial, { recursive: true });
  try {
    await run("javac", ["--release", "17", "-nowarn", "-d", partial, "-cp", `${libs}/*`, sourceFile]);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ClusterError(
      missing
        ? "javac was not found. The local cluster compiles a small login check for learner sessions and needs a JDK (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless), or use KAFKA_MODE=docker."
        : `Compiling the learner login check failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
  }
  fs.writeFileSync(path.join(partial, ".complete"), hash);
  try {
    fs.renameSync(partial, out);
  } catch {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return out;
}

/** The cluster's learner secret, created on first use and readable only by this user. */
export function learnerSecret(clusterDir: string): string {
  return persistentSecret(path.join(clusterDir, "learner-secret"));
}
