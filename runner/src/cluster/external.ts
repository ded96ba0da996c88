/** The `external` backend: an existing cluster named by KAFKA_BROKERS. Offset never starts or stops it. */
import { canConnect } from "./probe.ts";
import { ClusterError, type BrokerStatus, type ClusterBackend } from "./types.ts";

export class ExternalCluster implements ClusterBackend {
  readonly mode = "external" as const;
  readonly canControlBrokers = false;
  readonly bootstrap: readonly string[];

  constructor(brokers: string) {
    this.bootstrap = brokers
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean);
  }

  async up(): Promise<void> {
    const reachable = await Promise.all(this.bootstrap.map((address) => canConnect(address, 2000)));
    if (!reachable.some(Boolean)) {
      throw new ClusterError(
        `None of KAFKA_BROKERS (${this.bootstrap.join(", ")}) accepts connections. Check the addresses and that the cluster is running.`,
      );
    }
  }

  async down(): Promise<void> {
    // An external cluster belongs to someone else: leave it running.
  }

  /** Reports the bootstrap servers only; ids come from cluster metadata (GET /api/cluster). */
  async status(): Promise<BrokerStatus[]> {
    return Promise.all(this.bootstrap.map(async (address, index) => ({ id: index + 1, address, up: await canConnect(address) })));
  }

  stopBroker(): Promise<void> {
    return Promise.reject(this.refuse());
  }

  startBroker(): Promise<void> {
    return Promise.reject(this.refuse());
  }

  private refuse(): ClusterError {
    return new ClusterError(
      "Brokers of an external cluster (KAFKA_MODE=external) cannot be stopped or started from Offset. Use KAFKA_MODE=local or docker for fault-injection lessons.",
    );
  }
}
