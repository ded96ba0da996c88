/**
 * How a sandbox gets the tools its run asked for: each is staged once per engine into the engine's own
 * world-readable folder (hard links where the cache's files are readable by all, copies otherwise, since the cache
 * may sit under a private home) and mounted read-only where the run's environment says.
 */
import fs from "node:fs";
import path from "node:path";
import type { KafkaCli } from "../cluster/local/kafka-cli.ts";
import { labJavaClasspath, type LabJava } from "../cluster/local/lab-tools.ts";
import type { LabPython } from "../cluster/local/python.ts";
import type { ToolMounts } from "./sandbox-process.ts";

/** Where a run that may start Java finds the Kafka client jars and the lab's Java tools. */
export const SANDBOX_KAFKA_LIBS = "/opt/kafka/libs";
export const SANDBOX_LAB_CLASSES = "/opt/offset-lab/classes";
/** Where an `sh` run finds Kafka's command-line tools: the scripts (on its PATH), their jars and logging setup. */
export const SANDBOX_KAFKA_BIN = "/opt/kafka/bin";
export const SANDBOX_KAFKA_CLI_LIBS = "/opt/kafka/cli-libs";
export const SANDBOX_KAFKA_CONFIG = "/opt/kafka/config";

/**
 * What a sandbox needs to run the lab's Java tools. The client jars and the tools' classes are linked (or copied)
 * into the engine's world-readable folder, since the cache they come from may sit under a private home; the JDK's
 * configuration folders outside /usr (Debian: /etc/java-17-openjdk) are mounted where the JDK's links expect
 * them, and a JDK outside /usr at its own path.
 */
export function stageJava(java: LabJava, folder: string, dropRoot: boolean): ToolMounts {
  const libs = path.join(folder, "libs");
  const classes = path.join(folder, "classes");
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(libs, { recursive: true });
  fs.chmodSync(folder, 0o755);
  fs.chmodSync(libs, 0o755);
  for (const jar of java.clientJars) shareFile(path.join(java.libs, jar), path.join(libs, jar));
  copyReadable(java.classes, classes);
  const binds: [string, string][] = [
    [libs, SANDBOX_KAFKA_LIBS],
    [classes, SANDBOX_LAB_CLASSES],
  ];
  if (!java.javaHome.startsWith("/usr/")) {
    if (dropRoot && !readableByAll(java.java)) {
      throw new Error(
        `the sandboxes run as nobody, who cannot reach ${java.java}; install Java under /usr or where every user can read it`,
      );
    }
    binds.push([java.javaHome, java.javaHome]);
  }
  // A folder nobody can read would stop bwrap from starting at all; the JVM copes without most of them.
  for (const dir of java.javaLinks) if (!dropRoot || readableByAll(dir)) binds.push([dir, dir]);
  return { binds, env: { LAB_JAVA: java.java, LAB_JAVA_CLASSPATH: labJavaClasspath(java, SANDBOX_KAFKA_LIBS, SANDBOX_LAB_CLASSES) } };
}

/**
 * What an `sh` run needs besides Java: the tools' jars (linked, or copied, into the engine's world-readable folder),
 * their scripts and logging setup, all read-only.
 */
export function stageKafkaCli(cli: KafkaCli, folder: string): ToolMounts {
  const libs = path.join(folder, "libs");
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(libs, { recursive: true });
  fs.chmodSync(folder, 0o755);
  fs.chmodSync(libs, 0o755);
  for (const jar of fs.readdirSync(cli.libs).filter((name) => name.endsWith(".jar")))
    shareFile(path.join(cli.libs, jar), path.join(libs, jar));
  const bin = path.join(folder, "bin");
  const config = path.join(folder, "config");
  copyReadable(cli.bin, bin, 0o755);
  copyReadable(cli.config, config);
  return {
    binds: [
      [libs, SANDBOX_KAFKA_CLI_LIBS],
      [bin, SANDBOX_KAFKA_BIN],
      [config, SANDBOX_KAFKA_CONFIG],
    ],
    env: { LAB_KAFKA_BIN: SANDBOX_KAFKA_BIN, LAB_KAFKA_CLI_LIBS: SANDBOX_KAFKA_CLI_LIBS, LAB_KAFKA_CLI_CONFIG: SANDBOX_KAFKA_CONFIG },
  };
}

/** A hard link when the file is readable by all (no copy of the bytes), otherwise a world-readable copy. */
export function shareFile(source: string, target: string): void {
  try {
    if ((fs.statSync(source).mode & 0o004) === 0) throw new Error("not readable by all");
    fs.linkSync(source, target);
  } catch {
    fs.rmSync(target, { force: true });
    fs.copyFileSync(source, target);
    fs.chmodSync(target, 0o644);
    // The JVM checks a class-data archive's jars by size and modification time: a copy keeps the original's.
    const { atime, mtime } = fs.statSync(source);
    fs.utimesSync(target, atime, mtime);
  }
}

/** Copies a folder tree with every folder and file readable by all (files get `mode`). */
function copyReadable(source: string, target: string, mode = 0o644): void {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) copyReadable(from, to, mode);
    else if (entry.isFile()) {
      fs.copyFileSync(from, to);
      fs.chmodSync(to, mode);
    }
  }
  fs.chmodSync(target, 0o755);
}

/** True when any user can execute `file`: every folder above it is searchable by others, and it is executable. */
export function readableByAll(file: string): boolean {
  try {
    if ((fs.statSync(file).mode & 0o005) !== 0o005) return false;
    for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
      if ((fs.statSync(dir).mode & 0o001) === 0) return false;
      if (dir === path.dirname(dir)) return true;
    }
  } catch {
    return false;
  }
}

/** Where a `py` run finds the course's Python packages and lab.py; the interpreter is under /usr, already there. */
export const SANDBOX_PYTHON_SITE = "/opt/offset-python/site";
export const SANDBOX_PYTHON_LAB = "/opt/offset-python/lab";

/** What a `py` run needs: the packages and lab.py, read-only; Python itself when it lives outside /usr. */
export function stagePython(python: LabPython, folder: string, dropRoot: boolean): ToolMounts {
  if (!python.python.startsWith("/usr/")) throw new Error(`the sandboxes have only the Python under /usr, not ${python.python}`);
  if (dropRoot && !readableByAll(python.python)) throw new Error(`the sandboxes run as nobody, who cannot run ${python.python}`);
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(folder, { recursive: true });
  fs.chmodSync(folder, 0o755);
  const site = path.join(folder, "site");
  const lab = path.join(folder, "lab");
  shareTree(python.site, site);
  copyReadable(python.lab, lab);
  return {
    binds: [
      [site, SANDBOX_PYTHON_SITE],
      [lab, SANDBOX_PYTHON_LAB],
    ],
    env: { LAB_PYTHON: python.python, LAB_PYTHON_PATH: `${SANDBOX_PYTHON_LAB}:${SANDBOX_PYTHON_SITE}` },
  };
}

/** A folder tree of hard links (or readable copies, see shareFile), with every folder readable by all. */
function shareTree(source: string, target: string): void {
  fs.mkdirSync(target, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(target, entry.name);
    if (entry.isDirectory()) shareTree(from, to);
    else if (entry.isFile()) shareFile(from, to);
  }
  fs.chmodSync(target, 0o755);
}
