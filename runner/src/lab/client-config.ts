/**
 * kafkajs settings every lab client shares, for whichever cluster it talks to: the session's login in classroom
 * mode, timeouts a watching learner can live with, and kafkajs's own messages on stderr under a label.
 */
import { logLevel, type KafkaConfig } from "kafkajs";

const env = typeof process === "object" ? process.env : {};

export function clientConfig(clientId: string, brokers: string[], label: string): KafkaConfig {
  return {
    clientId,
    brokers,
    ...(env.LAB_SASL_USERNAME
      ? { sasl: { mechanism: "plain" as const, username: env.LAB_SASL_USERNAME, password: env.LAB_SASL_PASSWORD ?? "" } }
      : {}),
    // Short timeouts: a learner watching a run wants an error in seconds, not a minute of silent retries.
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    // Enough retries to ride out a leader election (a few seconds) when a broker stops mid-run.
    retry: { retries: 5, initialRetryTime: 300 },
    logLevel: logLevel.ERROR,
    logCreator:
      () =>
      ({ log }) =>
        console.error(`[${label}] ${log.message}${log.error && log.error !== log.message ? `: ${String(log.error)}` : ""}`),
  };
}
