/**
 * The ZooKeeper-mode cluster's jars: Kafka 3.9.2 (which brings ZooKeeper 3.8.4) and its log4j 1 binding, pinned in
 * runner/kafka/zk-mode/pom.xml and cached in OFFSET_HOME/kafka-3.9.2/libs by the first start.
 */
import fs from "node:fs";
import path from "node:path";
import { ensureMavenJars, pomPath, requireJava } from "../../cluster/local/jars.ts";
import { ClusterError } from "../../cluster/types.ts";
import { ServiceError, type Progress } from "../types.ts";

export const zkModePomPath = path.join(path.dirname(pomPath), "zk-mode", "pom.xml");

export const ZK_KAFKA_INSTALL = "Maven Central: org.apache.kafka:kafka_2.13:3.9.2 (ZooKeeper 3.8.4)";

/** The Kafka version pinned in the zk-mode pom. */
export function zkKafkaVersion(pom = zkModePomPath): string {
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(fs.readFileSync(pom, "utf8"));
  if (!match) throw new Error(`No <kafka.version> in ${pom}`);
  return match[1]!;
}

/** Where the jars are cached under OFFSET_HOME. */
export function zkKafkaLibs(home: string): string {
  return path.join(home, `kafka-${zkKafkaVersion()}`, "libs");
}

/** Returns the folder of cached jars, fetching them with Maven first when missing. */
export async function ensureZkKafkaJars(home: string, progress: Progress = () => {}): Promise<string> {
  const version = zkKafkaVersion();
  return asServiceError(() =>
    ensureMavenJars(
      {
        pom: zkModePomPath,
        libs: zkKafkaLibs(home),
        title: `Apache Kafka ${version} (ZooKeeper mode)`,
        label: `Kafka ${version}`,
        size: "about 46 MB",
        marker: version,
      },
      progress,
    ),
  );
}

/** Java 17+ is needed, as for the course cluster. */
export function requireJavaForService(): Promise<void> {
  return asServiceError(requireJava);
}

async function asServiceError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof ClusterError ? new ServiceError(error.message) : error;
  }
}
