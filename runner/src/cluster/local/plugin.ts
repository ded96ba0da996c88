/**
 * The course's broker plugin (runner/kafka/plugin): the learner listener's login check and the topic policy
 * that holds each learner to a fair share. It is compiled once per source version against the cached Kafka jars
 * into a classes folder (the local nodes' class path) and a jar (mounted into Docker nodes), and each cluster
 * folder keeps a random secret that keys the logins.
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
export const pluginSourceRoot = path.join(path.dirname(pomPath), "plugin");

/** Every .java file of the plugin, sorted, so the hash is stable. */
export function pluginSources(root = pluginSourceRoot): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith(".java")) found.push(file);
    }
  };
  walk(root);
  return found.sort();
}

export interface PluginBuild {
  /** Folder of compiled classes (add to the class path). */
  classes: string;
  /** The same classes as a jar (for a broker that takes jars only, e.g. a Docker node's libs folder). */
  jar: string;
}

/** Compiles the plugin if needed. */
export async function ensurePlugin(libs: string): Promise<PluginBuild> {
  const sources = pluginSources();
  const hash = crypto.createHash("sha256");
  for (const file of sources) hash.update(path.relative(pluginSourceRoot, file)).update(fs.readFileSync(file));
  const out = path.join(path.dirname(libs), `plugin-${hash.digest("hex").slice(0, 12)}`);
  const build = { classes: path.join(out, "classes"), jar: path.join(out, "offset-kafka-plugin.jar") };
  if (fs.existsSync(path.join(out, ".complete"))) return build;
  const partial = `${out}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.join(partial, "classes"), { recursive: true });
  try {
    await run("javac", ["--release", "17", "-nowarn", "-d", path.join(partial, "classes"), "-cp", `${libs}/*`, ...sources]);
    await run("jar", ["--create", "--file", path.join(partial, "offset-kafka-plugin.jar"), "-C", path.join(partial, "classes"), "."]);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ClusterError(
      missing
        ? "javac or jar was not found. The local cluster compiles a small broker plugin (learner logins and the course's topic policy) and needs a JDK (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless), or use KAFKA_MODE=docker."
        : `Compiling the course's broker plugin failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
  }
  fs.writeFileSync(path.join(partial, ".complete"), "");
  try {
    fs.renameSync(partial, out);
  } catch {
    fs.rmSync(partial, { recursive: true, force: true });
  }
  return build;
}

/** The cluster's learner secret, created on first use and readable only by this user. */
export function learnerSecret(clusterDir: string): string {
  return persistentSecret(path.join(clusterDir, "learner-secret"));
}
