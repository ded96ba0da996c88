/**
 * The Kafka Connect worker's jars, pinned in runner/kafka/connect/pom.xml: the runtime (connect-runtime,
 * connect-json, the log4j2 binding) on the JVM's class path, cached in OFFSET_HOME/connect-4.3.1/libs, and
 * connect-file alone in a plugin folder (OFFSET_HOME/connect-4.3.1/plugins/connect-file) that plugin.path names,
 * the way the Kafka distribution keeps FileStream off the class path.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureMavenJars, pomPath } from "../../cluster/local/jars.ts";
import { ClusterError } from "../../cluster/types.ts";
import { ServiceError, type Progress } from "../types.ts";

export const connectPomPath = path.join(path.dirname(pomPath), "connect", "pom.xml");

/** The one plugin the worker loads (FileStreamSource and FileStreamSink). */
export const FILE_PLUGIN = "connect-file";

/** The Kafka version a pom pins in <kafka.version>. */
export function pomKafkaVersion(pom: string): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(pom, "utf8"));
  if (!match) throw new Error(`No <kafka.version> in ${pom}`);
  return match[1]!;
}

/** The Connect version pinned in the connect pom. */
export function connectVersion(pom = connectPomPath): string {
  return pomKafkaVersion(pom);
}

export function connectInstall(version = connectVersion()): string {
  return `Maven Central: org.apache.kafka:connect-runtime:${version} (plugin connect-file:${version})`;
}

export interface ConnectJars {
  /** The class path folder (every jar in it). */
  libs: string;
  /** plugin.path: it holds connect-file/ only. */
  plugins: string;
}

/** Where the jars are cached under OFFSET_HOME. */
export function connectJarFolders(home: string, version = connectVersion()): ConnectJars {
  const root = path.join(home, `connect-${version}`);
  return { libs: path.join(root, "libs"), plugins: path.join(root, "plugins") };
}

/** Returns the cached jar folders, fetching what is missing with Maven first. */
export async function ensureConnectJars(home: string, progress: Progress = () => {}): Promise<ConnectJars> {
  const version = connectVersion();
  const folders = connectJarFolders(home, version);
  try {
    await ensureMavenJars(
      {
        pom: connectPomPath,
        libs: folders.libs,
        title: `Kafka Connect ${version}`,
        label: `Kafka Connect ${version}`,
        size: "about 36 MB",
        marker: version,
      },
      progress,
    );
    await ensurePluginJar(path.join(folders.plugins, FILE_PLUGIN), version, progress);
  } catch (error) {
    throw error instanceof ClusterError ? new ServiceError(error.message) : error;
  }
  return folders;
}

/**
 * Copies the pom's provided dependency (connect-file, without its dependencies: the runtime has connect-api and
 * kafka-clients already) into `folder` unless a previous start did.
 */
async function ensurePluginJar(folder: string, version: string, progress: Progress): Promise<void> {
  const marker = path.join(folder, ".complete");
  if (fs.existsSync(marker)) return;
  progress(`Downloading the ${FILE_PLUGIN} ${version} plugin from Maven Central (first start only)…`);
  const partial = `${folder}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      "mvn",
      [
        "-B",
        "-q",
        "-f",
        connectPomPath,
        "dependency:copy-dependencies",
        `-DoutputDirectory=${partial}`,
        "-DincludeScope=provided",
        "-DexcludeTransitive=true",
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "ENOENT" ? new ServiceError("Maven (mvn) was not found. Install Maven (apt-get install maven).") : error),
    );
    child.once("exit", (code) =>
      code === 0
        ? resolve()
        : reject(new ServiceError(`Maven could not fetch the ${FILE_PLUGIN} ${version} plugin (exit ${code}):\n${output.slice(-2000)}`)),
    );
  });
  const jars = fs.readdirSync(partial).filter((name) => name.endsWith(".jar"));
  if (jars.length !== 1 || !jars[0]!.startsWith(`${FILE_PLUGIN}-`)) {
    throw new ServiceError(
      `Expected only ${FILE_PLUGIN}-${version}.jar from ${connectPomPath}'s provided scope, got: ${jars.join(", ") || "nothing"}`,
    );
  }
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(folder), { recursive: true });
  fs.renameSync(partial, folder);
  fs.writeFileSync(marker, `${version}\n`);
  progress(`${FILE_PLUGIN} ${version} cached in ${folder}`);
}
