/**
 * The companion services a lesson's runs can reach (runner/src/services): where they are, as this run sees them.
 * The runner sets these only for runs of a lesson that declares the service in `needs.services`; elsewhere each
 * getter says so instead of failing later with a refused connection.
 */
import { Kafka, type KafkaConfig } from "kafkajs";
import { clientConfig } from "./client-config.ts";

const env = typeof process === "object" ? process.env : {};

function required(name: string, service: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(
      `${service} is not open to this run. Only the lessons that use it reach it (lesson 12 for ZooKeeper-mode Kafka, lesson 18 for RabbitMQ): run this code from that lesson's page.`,
    );
  }
  return value;
}

/** Connection settings for the Kafka 3.9 cluster in ZooKeeper mode (three brokers), with the session's login. */
export function zkKafkaConfig(): KafkaConfig {
  return clientConfig("offset-lab-zk", required("LAB_ZK_KAFKA_BROKERS", "The ZooKeeper-mode Kafka cluster").split(","), "kafkajs zk-mode");
}

/** A kafkajs client for the ZooKeeper-mode cluster. */
export function zkKafka(): Kafka {
  return new Kafka(zkKafkaConfig());
}

/**
 * The ZooKeeper connection string of the ZooKeeper-mode cluster, with Kafka's chroot, for node-zookeeper-client:
 * `zookeeper.createClient(zookeeperConnect())`. Paths are then Kafka's own: /brokers/ids, /controller, …
 * The connection is read-only: a request that would change a znode closes it.
 */
export function zookeeperConnect(): string {
  return `${required("LAB_ZOOKEEPER", "ZooKeeper")}${env.LAB_ZK_CHROOT ?? ""}`;
}

/** The session's RabbitMQ URL (its own virtual host and login), for amqplib: `amqp.connect(amqpUrl())`. */
export function amqpUrl(): string {
  return required("LAB_AMQP_URL", "RabbitMQ");
}
