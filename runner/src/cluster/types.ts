/** What every Kafka backend (local JVMs, Docker Compose, an external cluster) offers the runner. */

export type ClusterMode = "local" | "docker" | "external";

export interface BrokerStatus {
  /** Kafka node id. */
  id: number;
  /** Address clients use, host:port. */
  address: string;
  /** True when the broker accepts connections. */
  up: boolean;
}

/** How a broker is stopped. */
export interface StopOptions {
  /** SIGKILL (no controlled shutdown, no goodbye to the controller), where the default is a clean SIGTERM. */
  crash?: boolean;
}

/** Progress lines for long waits (jar download, nodes starting). */
export type Progress = (line: string) => void;

export interface ClusterBackend {
  readonly mode: ClusterMode;
  /** Bootstrap servers for clients running on this host. */
  readonly bootstrap: readonly string[];
  /**
   * The learner listener, where classroom sessions log in as themselves and prefixed ACLs confine them to their
   * own names. Absent where the backend has none (then classroom isolation is by naming only).
   */
  readonly learnerAccess?: { bootstrap: readonly string[]; secret(): string };
  /**
   * The TLS listener (SASL_SSL: SCRAM users and the session's PLAIN login), with the course CA's certificate that
   * its clients trust (undefined until the cluster has made it). Only the local cluster has one.
   */
  readonly secureAccess?: { bootstrap: readonly string[]; caPem(): string | undefined };
  /** Whether single brokers can be stopped and started (false for external clusters). */
  readonly canControlBrokers: boolean;
  /** Starts what is not running and waits until every broker is ready. Idempotent. */
  up(progress?: Progress): Promise<void>;
  /** Stops every broker this backend started. Idempotent. */
  down(progress?: Progress): Promise<void>;
  /** Reports each broker as up or down. */
  status(): Promise<BrokerStatus[]>;
  /** Stops one broker (fault injection); `crash` kills it at once, as a power cut would, instead of a clean shutdown. */
  stopBroker(id: number, progress?: Progress, options?: StopOptions): Promise<void>;
  /** Starts one stopped broker and waits until it is ready. */
  startBroker(id: number, progress?: Progress): Promise<void>;
}

/** A cluster request the backend cannot honour; the message says what to do instead. */
export class ClusterError extends Error {
  override readonly name = "ClusterError";
}
