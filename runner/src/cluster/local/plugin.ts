/**
 * The course's broker plugin (runner/kafka/plugin): the learner listener's login check and the topic policy
 * that holds each learner to a fair share. It is compiled once per source version against the cached Kafka jars
 * into a classes folder (the local nodes' class path) and a jar (mounted into Docker nodes), and each cluster
 * folder keeps a random secret that keys the logins. The lab's Java tools (lab-tools.ts) compile the same way.
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

/** Every .java file under `root` (the plugin's by default), sorted, so the hash is stable. */
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
  const jarName = "offset-kafka-plugin.jar";
  const out = await compileJava({
    sourceRoot: pluginSourceRoot,
    libs,
    name: "plugin",
    jar: jarName,
    title: "the course's broker plugin",
    noJdk:
      "javac or jar was not found. The local cluster compiles a small broker plugin (learner logins and the course's topic policy) and needs a JDK (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless), or use KAFKA_MODE=docker.",
  });
  return { classes: path.join(out, "classes"), jar: path.join(out, jarName) };
}

export interface JavaSources {
  /** Folder whose .java files (in package folders) are compiled together. */
  sourceRoot: string;
  /** The cached Kafka jars they compile against. */
  libs: string;
  /** Output folder name: `<name>-<hash of the sources>`, beside `libs`. */
  name: string;
  /** Also pack the classes into a jar of this file name. */
  jar?: string;
  /** What the sources are, for the error message: "the course's broker plugin". */
  title: string;
  /** The message when javac or jar is missing (what needs them, and what to install). */
  noJdk: string;
}

/**
 * Compiles Java sources of the course (javac --release 17) against the cached Kafka jars, once per source
 * version: the output folder beside the jars is named by a hash of the sources, and holds `classes/` (and the
 * jar, if asked for). Returns that folder.
 */
export async function compileJava(sources: JavaSources): Promise<string> {
  const files = pluginSources(sources.sourceRoot);
  const hash = crypto.createHash("sha256");
  for (const file of files) hash.update(path.relative(sources.sourceRoot, file)).update(fs.readFileSync(file));
  const out = path.join(path.dirname(sources.libs), `${sources.name}-${hash.digest("hex").slice(0, 12)}`);
  if (fs.existsSync(path.join(out, ".complete"))) return out;
  const partial = `${out}.${process.pid}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  fs.mkdirSync(path.join(partial, "classes"), { recursive: true });
  try {
    await run("javac", ["--release", "17", "-nowarn", "-d", path.join(partial, "classes"), "-cp", `${sources.libs}/*`, ...files]);
    if (sources.jar) await run("jar", ["--create", "--file", path.join(partial, sources.jar), "-C", path.join(partial, "classes"), "."]);
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new ClusterError(
      missing ? sources.noJdk : `Compiling ${sources.title} failed: ${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
  }
  fs.writeFileSync(path.join(partial, ".complete"), "");
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
