/**
 * Configuration files of the ZooKeeper-mode cluster: one standalone ZooKeeper 3.8 and three Kafka 3.9 brokers on
 * 127.0.0.1, with the same two listeners as the course cluster (the runner's plaintext one, the learners' SASL one).
 */
import { LEARNER_AUTH_CLASS, policyProperties, type TopicPolicyLimits } from "../../cluster/local/properties.ts";

export const ZK_BROKER_IDS = [1, 2, 3] as const;
export type ZkBrokerId = (typeof ZK_BROKER_IDS)[number];

/** The brokers keep their znodes under this chroot, so the ZooKeeper could serve something else beside them. */
export const ZK_CHROOT = "/kafka39";

/** How long a broker's ZooKeeper session outlives the broker: a broker that dies without a clean stop leaves the cluster (and, if it was the controller, hands over) after this. */
export const ZK_SESSION_TIMEOUT_MS = 6000;

const render = (lines: Record<string, string | number | boolean>): string =>
  Object.entries(lines)
    .map(([key, value]) => `${key}=${value}`)
    .join("\n")
    .concat("\n");

export function zookeeperProperties(options: { port: number; dataDir: string }): string {
  return render({
    dataDir: options.dataDir,
    clientPort: options.port,
    clientPortAddress: "127.0.0.1",
    // tickTime bounds the sessions it grants: 2 to 20 ticks, so the brokers' 6 s sessions fit.
    tickTime: 2000,
    maxClientCnxns: 0,
    // Otherwise ZooKeeper starts its Jetty AdminServer on 8080.
    "admin.enableServer": false,
    // "ruok" -> "imok" is the readiness check; srvr and stat show a lesson who is connected.
    "4lw.commands.whitelist": "ruok,srvr,stat",
    // Snapshots and transaction logs of a course cluster stay small: keep three, purge every hour.
    "autopurge.snapRetainCount": 3,
    "autopurge.purgeInterval": 1,
  });
}

export interface BrokerPropertiesOptions {
  zookeeperPort: number;
  /** The runner's plaintext port of this broker (also inter-broker traffic). */
  port: number;
  /** The learners' SASL port of this broker. */
  learnerPort: number;
  dataDir: string;
  /** Keys the learner listener's logins (see runner/kafka/plugin and runner/src/session/index.ts). */
  learnerSecret: string;
  /** The course's topic policy (partitions, replication, retention, batch size) and the brokers it counts on. */
  policy?: { limits: TopicPolicyLimits; bootstrap: readonly string[] } | undefined;
}

/** server.properties of broker `id`. */
export function brokerProperties(id: ZkBrokerId, options: BrokerPropertiesOptions): string {
  const { zookeeperPort, port, learnerPort, dataDir, learnerSecret, policy } = options;
  if (/["\\\n]/.test(learnerSecret) || !learnerSecret)
    throw new Error("The learner secret must be a non-empty string without quotes, backslashes or newlines");
  return render({
    "broker.id": id,
    "zookeeper.connect": `127.0.0.1:${zookeeperPort}${ZK_CHROOT}`,
    "zookeeper.session.timeout.ms": ZK_SESSION_TIMEOUT_MS,
    "zookeeper.connection.timeout.ms": 30_000,
    listeners: `PLAINTEXT://127.0.0.1:${port},LEARNER://127.0.0.1:${learnerPort}`,
    "advertised.listeners": `PLAINTEXT://127.0.0.1:${port},LEARNER://127.0.0.1:${learnerPort}`,
    "inter.broker.listener.name": "PLAINTEXT",
    "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,LEARNER:SASL_PLAINTEXT",
    // Classroom learners log in on LEARNER as their session, with the same login as on the course cluster, and get
    // prefixed ACLs; the plaintext listener is the runner's and the brokers' own (its anonymous principal is a
    // super user) and sandboxes cannot reach it.
    "listener.name.learner.sasl.enabled.mechanisms": "PLAIN",
    "listener.name.learner.plain.sasl.jaas.config": `org.apache.kafka.common.security.plain.PlainLoginModule required secret="${learnerSecret}";`,
    "listener.name.learner.plain.sasl.server.callback.handler.class": LEARNER_AUTH_CLASS,
    "authorizer.class.name": "kafka.security.authorizer.AclAuthorizer",
    "allow.everyone.if.no.acl.found": false,
    "super.users": "User:ANONYMOUS",
    "log.dirs": dataDir,
    // The same replication defaults as the course cluster: RF 3, two in-sync replicas to write.
    "default.replication.factor": 3,
    "min.insync.replicas": 2,
    "offsets.topic.replication.factor": 3,
    "offsets.topic.num.partitions": 6,
    "transaction.state.log.replication.factor": 3,
    "transaction.state.log.min.isr": 2,
    "transaction.state.log.num.partitions": 6,
    "num.partitions": 3,
    "group.initial.rebalance.delay.ms": 0,
    // A stopped follower leaves the ISR after 10 s instead of 30 s, so a lesson shows it while the learner watches.
    "replica.lag.time.max.ms": 10_000,
    // A stopped broker hands its leaderships over before it goes (controlled shutdown), but gives up quickly when
    // the controller does not answer, so a stop (and, for the controller, the election of the next one, which
    // starts when its ZooKeeper session closes) takes seconds, not the default three 5 s retries.
    "controlled.shutdown.enable": true,
    "controlled.shutdown.max.retries": 1,
    "controlled.shutdown.retry.backoff.ms": 1000,
    // Small thread pools: three brokers share two cores with the course cluster.
    "num.network.threads": 2,
    "num.io.threads": 2,
    "num.replica.fetchers": 1,
    "num.recovery.threads.per.data.dir": 1,
    "background.threads": 2,
    "log.cleaner.threads": 1,
    "log.cleaner.dedupe.buffer.size": 8 * 1024 * 1024,
    // The same share per learner as on the course cluster: the plugin's policy holds in ZooKeeper mode too.
    ...(policy ? policyProperties(policy.limits, policy.bootstrap) : {}),
  });
}

/** log4j 1.x configuration (Kafka 3.9 logs through reload4j): warnings, plus the lines that say a JVM started. */
export const log4jProperties = render({
  "log4j.rootLogger": "WARN, stdout",
  "log4j.appender.stdout": "org.apache.log4j.ConsoleAppender",
  "log4j.appender.stdout.layout": "org.apache.log4j.PatternLayout",
  "log4j.appender.stdout.layout.ConversionPattern": "[%d] %p %m (%c)%n",
  "log4j.logger.kafka.server.KafkaServer": "INFO",
  "log4j.logger.kafka.controller.KafkaController": "INFO",
  "log4j.logger.org.apache.zookeeper.server.ZooKeeperServer": "INFO",
});
