/**
 * The `external` backend: an existing cluster named by KAFKA_BROKERS. Offset never starts or stops it. When the
 * cluster has the course's learner listener (compose/classroom.yml), KAFKA_LEARNER_BROKERS and
 * KAFKA_LEARNER_SECRET_FILE name it, and classroom sessions log in there as on the local cluster.
 */
import fs from "node:fs";
import { canConnect } from "./probe.ts";
import { ClusterError, type BrokerStatus, type ClusterBackend } from "./types.ts";

export class ExternalCluster implements ClusterBackend {
  readonly mode = "external" as const;
  readonly canControlBrokers = false;
  readonly bootstrap: readonly string[];
  readonly learnerAccess?: { bootstrap: readonly string[]; secret(): string };

  constructor(brokers: string, learner?: { brokers: string; secretFile: string }) {
    this.bootstrap = split(brokers);
    if (learner) {
      this.learnerAccess = {
        bootstrap: split(learner.brokers),
        secret: () => {
          const secret = fs.existsSync(learner.secretFile) ? fs.readFileSync(learner.secretFile, "utf8").trim() : "";
          if (!secret) throw new ClusterError(`KAFKA_LEARNER_SECRET_FILE (${learner.secretFile}) is missing or empty.`);
          return secret;
        },
      };
    }
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

const split = (list: string) =>
  list
    .split(",")
    .map((b) => b.trim())
    .filter(Boolean);
