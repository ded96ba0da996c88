/**
 * Finds Java and the Kafka jars. The jars come from Maven Central through runner/kafka/pom.xml and are
 * cached under OFFSET_HOME, so only the first start needs the network.
 */
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ClusterError, type Progress } from "../types.ts";

const run = promisify(execFile);
const repoRoot = path.resolve(import.meta.dirname, "../../../..");
export const pomPath = path.join(repoRoot, "runner/kafka/pom.xml");

/** The Kafka version pinned in pom.xml (or in another of the course's poms). */
export function kafkaVersion(pom = pomPath): string {
  const text = fs.readFileSync(pom, "utf8");
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(text);
  if (!match) throw new Error(`No <kafka.version> in ${pom}`);
  return match[1]!;
}

/** Parses the major version out of `java -version` output ("17.0.15", "1.8.0_392", "21"). */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** Throws a ClusterError that says what to install when Java 17+ is missing. */
export async function requireJava(): Promise<void> {
  let output: string;
  try {
    const result = await run("java", ["-version"]);
    output = result.stderr + result.stdout;
  } catch {
    throw new ClusterError(
      "Java was not found. The local Kafka cluster needs Java 17 or newer and Maven " +
        "(Debian/Ubuntu: apt-get install openjdk-17-jdk-headless maven), or use Docker with KAFKA_MODE=docker.",
    );
  }
  const major = parseJavaMajor(output);
  if (major === undefined || major < 17) {
    throw new ClusterError(
      `Kafka 4 brokers need Java 17 or newer; found Java ${major ?? "of unknown version"}. Install Java 17+ or use KAFKA_MODE=docker.`,
    );
  }
}

/** True when Java 17+ is on PATH (used by KAFKA_MODE=auto). */
export async function hasJava17(): Promise<boolean> {
  return requireJava().then(
    () => true,
    () => false,
  );
}

/** Returns the folder of cached jars, downloading them with Maven first when missing. */
export async function ensureJars(home: string, progress: Progress = () => {}): Promise<string> {
  const version = kafkaVersion();
  const libs = path.join(home, `kafka-${version}`, "libs");
  return ensureMavenJars(
    { pom: pomPath, libs, title: `Apache Kafka ${version}`, label: `Kafka ${version}`, size: "about 45 MB", marker: version },
    progress,
  );
}

export interface MavenJars {
  /** The pom whose runtime dependencies to copy. */
  pom: string;
  /** The cache folder the jars go to (complete once it holds a `.complete` marker). */
  libs: string;
  /** What the download line calls them: "Apache Kafka 4.3.1". */
  title: string;
  /** What the other lines call them: "Kafka 4.3.1". */
  label: string;
  /** Download size, for the first line: "about 45 MB". */
  size: string;
  /** Written to the marker file (the version). */
  marker: string;
}

/**
 * Copies the runtime dependencies of a pom into a cache folder with Maven (`dependency:copy-dependencies`) unless
 * the folder is complete already; returns the folder. Progress lines count the jars while Maven downloads.
 */
export async function ensureMavenJars(jars: MavenJars, progress: Progress = () => {}): Promise<string> {
  const { pom, libs, title, label, size, marker: markerText } = jars;
  const marker = path.join(libs, ".complete");
  if (fs.existsSync(marker)) return libs;

  progress(`Downloading ${title} jars from Maven Central (first start only, ${size})…`);
  const partial = `${libs}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "mvn",
      ["-B", "-q", "-f", pom, "dependency:copy-dependencies", `-DoutputDirectory=${partial}`, "-DincludeScope=runtime"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setInterval(() => {
      const count = fs.existsSync(partial) ? fs.readdirSync(partial).length : 0;
      progress(`  …${count} jars so far`);
    }, 5000);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearInterval(timer);
      reject(
        error.code === "ENOENT"
          ? new ClusterError("Maven (mvn) was not found. Install Maven (apt-get install maven) or use KAFKA_MODE=docker.")
          : error,
      );
    });
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code === 0) resolve();
      else reject(new ClusterError(`Maven could not fetch the ${label} jars (exit ${code}):\n${output.slice(-2000)}`));
    });
  });
  fs.rmSync(libs, { recursive: true, force: true });
  fs.renameSync(partial, libs);
  fs.writeFileSync(marker, `${markerText}\n`);
  progress(`${label} jars cached in ${libs}`);
  return libs;
}
