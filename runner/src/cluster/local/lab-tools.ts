/**
 * Java for lab runs: the tools under runner/kafka/lab (lesson 18's share consumers, dev.offset.lab.ShareConsumers;
 * lesson 13's Kafka Streams word count, dev.offset.lab.WordCount) compiled like the broker plugin against the
 * lab's jars (runner/kafka/lab/pom.xml: kafka-streams and the Kafka client), and what a run needs to start them:
 * the JDK, those jars and the host folders the JDK's own links lead to. Engines mount these into the runs of
 * lessons that declare `needs.java`, and only those.
 */
import fs from "node:fs";
import path from "node:path";
import type { Progress } from "../types.ts";
import { ensureMavenJars, kafkaVersion, pomPath, requireJava } from "./jars.ts";
import { compileJava } from "./plugin.ts";
import { sharedOnce } from "./once.ts";

export const labToolsSourceRoot = path.join(path.dirname(pomPath), "lab");
/** The lab's jars: kafka-streams and its dependencies (kafka-clients, its compression codecs, slf4j's API). */
export const labPomPath = path.join(labToolsSourceRoot, "pom.xml");

export interface LabJava {
  /** The java launcher's real path (/usr/bin/java is a link through /etc/alternatives, which sandboxes lack). */
  java: string;
  /** The JDK folder it belongs to. */
  javaHome: string;
  /** Host folders outside /usr that the JDK's configuration links lead to (Debian: /etc/java-17-openjdk). */
  javaLinks: string[];
  /** The cached folder of the lab's jars (runner/kafka/lab/pom.xml). */
  libs: string;
  /** File names in `libs` of the jars the tools run with: all of them. */
  clientJars: string[];
  /** The compiled tools' classes folder. */
  classes: string;
}

/** The class path of the tools, with the libs and classes folders where the run sees them. */
export function labJavaClasspath(java: LabJava, libs = java.libs, classes = java.classes): string {
  return [classes, ...java.clientJars.map((jar) => path.join(libs, jar))].join(":");
}

/**
 * Returns the folder of the lab's jars, downloading them with Maven first when missing (about 25 MB; slf4j's API
 * logs nothing without a binding: the tools report in JSON lines instead).
 */
export async function ensureLabJars(home: string, progress: Progress = () => {}): Promise<string> {
  const version = kafkaVersion(labPomPath);
  return ensureMavenJars(
    {
      pom: labPomPath,
      libs: path.join(home, `lab-${version}`, "libs"),
      title: `Kafka Streams ${version}`,
      label: `Kafka Streams ${version}`,
      size: "about 25 MB",
      marker: version,
    },
    progress,
  );
}

/** Finds Java 17+, the jars (downloading them if needed) and compiles the tools if needed. */
export async function ensureLabJava(home: string): Promise<LabJava> {
  await requireJava();
  const libs = await ensureLabJars(home);
  const classes = path.join(
    await compileJava({
      sourceRoot: labToolsSourceRoot,
      libs,
      name: "lab-tools",
      title: "the lab's Java tools",
      noJdk:
        "javac was not found. Lessons that start Java (share consumers, Kafka Streams) need a JDK 17+ (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless).",
    }),
    "classes",
  );
  const java = fs.realpathSync(onPath("java"));
  const javaHome = path.dirname(path.dirname(java));
  const clientJars = fs
    .readdirSync(libs)
    .filter((name) => name.endsWith(".jar"))
    .sort();
  return { java, javaHome, javaLinks: linkedFolders(javaHome), libs, clientJars, classes };
}

/** `ensureLabJava`, done once and shared; a failure is not kept, so the next run tries again. */
export function labJavaOnce(home: string): () => Promise<LabJava> {
  const once = sharedOnce(() => ensureLabJava(home));
  return () => once();
}

/** The first executable `command` on PATH; throws when there is none. */
export function onPath(command: string): string {
  for (const dir of (process.env.PATH ?? "/usr/bin:/bin").split(":").filter(Boolean)) {
    const file = path.join(dir, command);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // Not in this folder.
    }
  }
  throw new Error(`${command} is not on PATH`);
}

/**
 * Folders outside /usr and the JDK that links in the JDK's conf/ and lib/ point into, reduced to the topmost
 * ones (Debian keeps the JDK's configuration in /etc/java-17-openjdk and its trust store in /etc/ssl/certs/java).
 */
export function linkedFolders(javaHome: string): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isSymbolicLink()) {
        const target = path.resolve(dir, fs.readlinkSync(file));
        const inside = (root: string) => target === root || target.startsWith(`${root}/`);
        if (!inside("/usr") && !inside(javaHome) && fs.existsSync(target)) found.add(path.dirname(target));
      }
    }
  };
  walk(path.join(javaHome, "conf"));
  walk(path.join(javaHome, "lib"));
  const sorted = [...found].sort();
  return sorted.filter((dir) => !sorted.some((other) => other !== dir && dir.startsWith(`${other}/`)));
}
