/** Picks and builds the Kafka backend named by KAFKA_MODE. */
import type { Config } from "../config/index.ts";
import { ExternalCluster } from "./external.ts";
import { hasJava17 } from "./local/jars.ts";
import { LocalCluster } from "./local/index.ts";
import { ClusterError, type ClusterBackend } from "./types.ts";

export type { BrokerStatus, ClusterBackend, ClusterMode, Progress } from "./types.ts";
export { ClusterError } from "./types.ts";

export interface CreateClusterOptions {
  /** Whether local nodes die with this process (npm start, npm test) or keep running (npm run cluster). */
  owned: boolean;
}

/** Builds the backend for `config.KAFKA_MODE`; `auto` prefers local JVMs, then Docker. */
export async function createCluster(config: Config, options: CreateClusterOptions): Promise<ClusterBackend> {
  const mode = config.KAFKA_MODE === "auto" ? await autoMode() : config.KAFKA_MODE;
  switch (mode) {
    case "local":
      return new LocalCluster({ home: config.OFFSET_HOME, owned: options.owned, port: config.KAFKA_PORT, limits: config.limits });
    case "external":
      return new ExternalCluster(
        config.KAFKA_BROKERS ?? "",
        config.KAFKA_LEARNER_BROKERS && config.KAFKA_LEARNER_SECRET_FILE
          ? { brokers: config.KAFKA_LEARNER_BROKERS, secretFile: config.KAFKA_LEARNER_SECRET_FILE }
          : undefined,
      );
    case "docker": {
      const { DockerCluster } = await import("./docker.ts");
      return new DockerCluster({ port: config.KAFKA_PORT, limits: config.limits, isolateLab: config.COURSE_MODE === "classroom" });
    }
  }
}

async function autoMode(): Promise<"local" | "docker"> {
  if (await hasJava17()) return "local";
  const { dockerAvailable } = await import("./docker.ts");
  if (await dockerAvailable()) return "docker";
  throw new ClusterError(
    "No way to run Kafka was found: install Java 17+ and Maven for the local cluster, start Docker, " +
      "or point KAFKA_MODE=external and KAFKA_BROKERS at an existing cluster.",
  );
}
