/** The server.properties of each local node: three combined broker+controller KRaft nodes on 127.0.0.1. */

import { SESSION_TOPIC_PATTERN } from "../../session/index.ts";

export const LOCAL_NODE_IDS = [1, 2, 3] as const;

/** Default client port of broker 1 (KAFKA_PORT); broker N listens on KAFKA_PORT + N - 1. */
export const DEFAULT_KAFKA_PORT = 19092;

/** Client port of broker `id` when broker 1 uses `base`. */
export const clientPort = (id: number, base = DEFAULT_KAFKA_PORT): number => base + id - 1;
/** Controller (Raft quorum) port of node `id`: 100 above its client port. */
export const controllerPort = (id: number, base = DEFAULT_KAFKA_PORT): number => base + 100 + id - 1;

/** Learner (SASL) port of node `id`: 200 above its client port. Sandboxes reach only these. */
export const learnerPort = (id: number, base = DEFAULT_KAFKA_PORT): number => base + 200 + id - 1;

/** TLS (SASL_SSL) port of node `id`: 300 above its client port. Lesson 21's runs reach these. */
export const securePort = (id: number, base = DEFAULT_KAFKA_PORT): number => base + 300 + id - 1;

/** The host name the TLS listener advertises and its certificate names (a client checks it against the certificate). */
export const SECURE_HOST = "localhost";

/** Class that checks learner logins (runner/kafka/plugin). */
export const LEARNER_AUTH_CLASS = "dev.offset.kafka.SessionPlainCallbackHandler";
/** Class that holds every topic to the course's limits (runner/kafka/plugin). */
export const COURSE_POLICY_CLASS = "dev.offset.kafka.CoursePolicy";

/** The topic-policy part of each learner's share (see runner/src/config, `KafkaLimits`). */
export interface TopicPolicyLimits {
  topicPartitions: number;
  sessionPartitions: number;
  replicationFactor: number;
  retentionMs: number;
  retentionBytes: number;
  messageBytes: number;
}

/**
 * The broker settings that install the course's topic policy: the same plugin checks CreateTopics and
 * AlterConfigs on the controller, and counts a session's partitions through `bootstrap` (a listener whose
 * principal may describe every topic).
 */
export function policyProperties(limits: TopicPolicyLimits, bootstrap: readonly string[]): Record<string, string | number> {
  return {
    "create.topic.policy.class.name": COURSE_POLICY_CLASS,
    "alter.config.policy.class.name": COURSE_POLICY_CLASS,
    "offset.policy.topic.partitions.max": limits.topicPartitions,
    "offset.policy.session.partitions.max": limits.sessionPartitions,
    "offset.policy.replication.factor.max": limits.replicationFactor,
    "offset.policy.retention.ms.max": limits.retentionMs,
    "offset.policy.retention.bytes.max": limits.retentionBytes,
    "offset.policy.message.bytes.max": limits.messageBytes,
    "offset.policy.session.pattern": SESSION_TOPIC_PATTERN,
    "offset.policy.bootstrap": bootstrap.join(","),
  };
}

export interface NodeOptions {
  /** Client port of broker 1. */
  base?: number;
  /** Keys the learner listener's logins (see runner/kafka/plugin and runner/src/session/index.ts). */
  learnerSecret?: string;
  /** The topic policy's limits; omitted, the nodes run without a policy. */
  limits?: TopicPolicyLimits | undefined;
  /** The broker keystore of the TLS listener (see tls.ts); omitted, the nodes have no TLS listener. */
  tls?: { keystore: string; password: string } | undefined;
}

/**
 * The SECURE listener: SASL over TLS. It takes SCRAM-SHA-512 and SCRAM-SHA-256 logins (users the runner creates
 * for a lesson, their credentials in the metadata log) and the session's own PLAIN login, so every connection on
 * it is someone; none is the plaintext listener's anonymous super user.
 */
export function secureListenerProperties(tls: { keystore: string; password: string }, learnerSecret: string): Record<string, string> {
  return {
    "listener.name.secure.sasl.enabled.mechanisms": "SCRAM-SHA-512,SCRAM-SHA-256,PLAIN",
    "listener.name.secure.scram-sha-512.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.secure.scram-sha-256.sasl.jaas.config": "org.apache.kafka.common.security.scram.ScramLoginModule required;",
    "listener.name.secure.plain.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required secret="${learnerSecret}";`,
    "listener.name.secure.plain.sasl.server.callback.handler.class": LEARNER_AUTH_CLASS,
    "listener.name.secure.ssl.keystore.type": "PKCS12",
    "listener.name.secure.ssl.keystore.location": tls.keystore,
    "listener.name.secure.ssl.keystore.password": tls.password,
    "listener.name.secure.ssl.key.password": tls.password,
    "listener.name.secure.ssl.client.auth": "none",
  };
}

/** Renders server.properties for node `id` with its data in `dataDir`. */
export function nodeProperties(id: number, dataDir: string, options: NodeOptions = {}): string {
  const { base = DEFAULT_KAFKA_PORT, learnerSecret = "unset", limits, tls } = options;
  const voters = LOCAL_NODE_IDS.map((n) => `${n}@127.0.0.1:${controllerPort(n, base)}`).join(",");
  const lines: Record<string, string | number> = {
    "process.roles": "broker,controller",
    "node.id": id,
    "controller.quorum.voters": voters,
    listeners:
      `PLAINTEXT://127.0.0.1:${clientPort(id, base)},CONTROLLER://127.0.0.1:${controllerPort(id, base)},LEARNER://127.0.0.1:${learnerPort(id, base)}` +
      (tls ? `,SECURE://127.0.0.1:${securePort(id, base)}` : ""),
    "advertised.listeners":
      `PLAINTEXT://127.0.0.1:${clientPort(id, base)},LEARNER://127.0.0.1:${learnerPort(id, base)}` +
      (tls ? `,SECURE://${SECURE_HOST}:${securePort(id, base)}` : ""),
    "controller.listener.names": "CONTROLLER",
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": `CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,LEARNER:SASL_PLAINTEXT${tls ? ",SECURE:SASL_SSL" : ""}`,
    // Classroom learners log in on LEARNER as their session and get prefixed ACLs; the plaintext listener is the
    // runner's and the brokers' own (its anonymous principal is a super user) and sandboxes cannot reach it.
    "listener.name.learner.sasl.enabled.mechanisms": "PLAIN",
    "listener.name.learner.plain.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required secret="${learnerSecret}";`,
    "listener.name.learner.plain.sasl.server.callback.handler.class": LEARNER_AUTH_CLASS,
    ...(tls ? secureListenerProperties(tls, learnerSecret) : {}),
    "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
    "super.users": "User:ANONYMOUS",
    "log.dirs": dataDir,
    // Replication defaults a course about durability should teach with: RF 3, two in-sync replicas to write.
    "default.replication.factor": 3,
    "min.insync.replicas": 2,
    "offsets.topic.replication.factor": 3,
    "transaction.state.log.replication.factor": 3,
    "transaction.state.log.min.isr": 2,
    "share.coordinator.state.topic.replication.factor": 3,
    "share.coordinator.state.topic.min.isr": 2,
    // Fewer internal partitions: a course cluster has few groups, and 50 partitions x 3 nodes slow the first join.
    "offsets.topic.num.partitions": 6,
    "transaction.state.log.num.partitions": 6,
    "share.coordinator.state.topic.num.partitions": 6,
    "num.partitions": 3,
    "group.initial.rebalance.delay.ms": 0,
    // Share-group members heartbeat every second instead of five, so a new member gets its first records at once
    // rather than after one default interval (lesson 18's share consumers).
    "group.share.min.heartbeat.interval.ms": 1000,
    "group.share.heartbeat.interval.ms": 1000,
    // A stopped follower leaves the ISR after 10 s instead of 30 s, so a lesson shows it while the learner watches.
    "replica.lag.time.max.ms": 10_000,
    "num.network.threads": 2,
    "num.io.threads": 2,
    "log.cleaner.dedupe.buffer.size": 8 * 1024 * 1024,
    ...(limits
      ? policyProperties(
          limits,
          LOCAL_NODE_IDS.map((n) => `127.0.0.1:${clientPort(n, base)}`),
        )
      : {}),
  };
  return Object.entries(lines)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")
    .concat("\n");
}

/** log4j2 configuration: warnings, plus the few INFO lines that say a node started or stopped. */
export const log4jYaml = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
      - name: kafka.server.BrokerServer
        level: INFO
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
`;
