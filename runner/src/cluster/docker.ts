/** The `docker` backend: compose/kafka.yml driven through the Docker API. (Placeholder until implemented.) */
import { ClusterError, type BrokerStatus, type ClusterBackend } from "./types.ts";

export async function dockerAvailable(): Promise<boolean> {
  return false;
}

export class DockerCluster implements ClusterBackend {
  readonly mode = "docker" as const;
  readonly canControlBrokers = true;
  readonly bootstrap = ["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"];
  constructor(_options: object) {}
  async up(): Promise<void> {
    throw new ClusterError("docker backend not ready");
  }
  async down(): Promise<void> {}
  async status(): Promise<BrokerStatus[]> {
    return [];
  }
  async stopBroker(): Promise<void> {}
  async startBroker(): Promise<void> {}
}
