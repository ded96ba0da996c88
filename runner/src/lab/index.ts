/**
 * The `lab` module every snippet imports: `import { kafka, topic } from "lab"`.
 * It hands the learner a kafkajs client for the course's cluster and names that belong to their session,
 * and reports where records land so the page can draw it.
 */
import "./broker-messages.ts";
import { describeQuorumRequest, parseDescribeQuorum, type Quorum } from "./quorum.ts";
import { clientConfig } from "./client-config.ts";
import { sendRaw } from "./raw-request.ts";

export type { Quorum, QuorumReplica } from "./quorum.ts";
export {
  amqpUrl,
  connectWorker,
  postgresUrl,
  zkKafka,
  zkKafkaConfig,
  zookeeperConnect,
  type ConnectAnswer,
  type ConnectWorker,
} from "./services.ts";
export { runShell } from "./shell.ts";
export { runPython } from "./python.ts";
export {
  addAcl,
  courseCa,
  deleteScramUser,
  removeAcl,
  scramUser,
  scramUsers,
  tlsBrokers,
  type AclSpec,
  type ScramCredentials,
  type ScramMechanismName,
  type ScramUser,
} from "./security.ts";
export { shareConsumers, type ShareAck, type ShareConsumersOptions, type ShareDelivery } from "./share-group.ts";
export {
  wordCount,
  type StoreRestore,
  type StreamsTopology,
  type StreamsTransaction,
  type WordCountApp,
  type WordCountOptions,
} from "./streams.ts";
import { Kafka, type KafkaConfig, type Producer, type ProducerConfig, type RecordMetadata, type ITopicConfig } from "kafkajs";

const env = typeof process === "object" ? process.env : {};

/** Bootstrap servers of the course cluster. */
export const brokers: string[] = (env.LAB_BROKERS ?? "127.0.0.1:19092").split(",").filter(Boolean);

/**
 * Prefix that scopes names to this learner ("" when one learner has the cluster to themselves). Read at call time:
 * a warm process loads this module before it knows whose code it will run.
 */
function sessionPrefix(): string {
  return env.LAB_SESSION ? `${env.LAB_SESSION}.` : "";
}

/** Marks a stdout line as a structured event for the page (see runner/src/sandbox/output.ts). */
const EVENT_PREFIX = "\u001eoffset:";

/** The name of topic `name` for this learner. Use it wherever a snippet names a topic. */
export function topic(name: string): string {
  return sessionPrefix() + name;
}

/** The name of consumer group `name` for this learner. */
export function groupId(name: string): string {
  return sessionPrefix() + name;
}

/** The name of transactional id `name` for this learner. */
export function transactionalId(name: string): string {
  return sessionPrefix() + name;
}

/** The name the learner wrote, without the session prefix (for printing). */
export function displayName(name: string): string {
  const prefix = sessionPrefix();
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** Sends a structured event to the page (see runner/src/protocol: records a producer had acknowledged). */
export function emit(event: Record<string, unknown> & { type: string }): void {
  process.stdout.write(`${EVENT_PREFIX}${JSON.stringify(event)}\n`);
}

/** The clusters a lab can stop brokers of: the course cluster (KRaft) and the ZooKeeper-mode one (lesson 12). */
export type LabCluster = "kraft" | "zk-kafka";

/**
 * Asks the runner to stop broker `id` of `cluster`, cleanly or, with `{ crash: true }`, killed as in a power cut.
 * It returns at once: the runner stops the broker in the background and says so in the output, and the lab
 * watches for the effect. Works where fault injection is on, in lessons about failover; the runner starts the
 * broker again when the run ends if the lab has not.
 */
export function stopBroker(cluster: LabCluster, id: number, options: { crash?: boolean } = {}): void {
  emit({ type: "broker", action: "stop", cluster, id, ...(options.crash ? { crash: true } : {}) });
}

/** Asks the runner to start broker `id` of `cluster` again (see stopBroker). */
export function startBroker(cluster: LabCluster, id: number): void {
  emit({ type: "broker", action: "start", cluster, id });
}

function reportProduced(results: RecordMetadata[]): void {
  for (const r of results) {
    emit({ type: "produced", topic: displayName(r.topicName), partition: r.partition, offset: r.baseOffset ?? "0" });
  }
}

/** A kafkajs client whose producers report each acknowledged batch to the page. */
class LabKafka extends Kafka {
  override producer(config?: ProducerConfig): Producer {
    const producer = super.producer(config);
    const send = producer.send.bind(producer);
    const sendBatch = producer.sendBatch.bind(producer);
    producer.send = async (record) => {
      const results = await send(record);
      reportProduced(results);
      return results;
    };
    producer.sendBatch = async (batch) => {
      const results = await sendBatch(batch);
      reportProduced(results);
      return results;
    };
    return producer;
  }
}

/**
 * Connection settings for the course cluster: spread them into `new Kafka({ ...labConfig, … })` when a lesson
 * builds a client of its own. In classroom mode they carry the session's login.
 */
export const labConfig: KafkaConfig = clientConfig("offset-lab", brokers, "kafkajs");

/** A ready kafkajs client for the course cluster. */
export const kafka: Kafka = new LabKafka(labConfig);

export interface TopicOptions {
  partitions?: number;
  replicationFactor?: number;
  /** Topic configs, e.g. { "min.insync.replicas": "2" }. */
  configs?: Record<string, string>;
}

/**
 * Creates topic `topic(name)` afresh (deleting an older one of that name), waits until every partition has a
 * leader, and returns its full name. Lessons use it so each run starts from an empty log.
 */
export async function freshTopic(name: string, options: TopicOptions = {}): Promise<string> {
  const full = topic(name);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (existing.includes(full)) {
      await admin.deleteTopics({ topics: [full], timeout: 10_000 });
      await waitUntil(async () => !(await admin.listTopics()).includes(full), 10_000);
    }
    const spec: ITopicConfig = {
      topic: full,
      numPartitions: options.partitions ?? 3,
      // -1 asks the brokers for their default (3 on the course cluster).
      replicationFactor: options.replicationFactor ?? -1,
      configEntries: Object.entries(options.configs ?? {}).map(([configName, value]) => ({ name: configName, value })),
    };
    // createTopics can race with the deletion finishing on every broker; retry briefly.
    let create = spec;
    await waitUntil(async () => {
      try {
        await admin.createTopics({ topics: [create], waitForLeaders: true, timeout: 10_000 });
        return true;
      } catch (error) {
        if (String(error).includes("already exists")) return false;
        // Created, but the broker asked for its leaders had not heard of it yet: the wait below covers that.
        if ((error as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION") return true;
        // A stopped broker is fenced, and Kafka places no new replicas on it by default. Fault lessons create
        // their topics with a broker down, so place the replicas by hand on every node (each is in the quorum).
        const invalidReplication = (error as { errors?: { type?: string }[] }).errors?.some((e) => e.type === "INVALID_REPLICATION_FACTOR");
        if (invalidReplication && options.replicationFactor === undefined && create === spec) {
          create = await spreadOverAllNodes(spec);
          return false;
        }
        throw error;
      }
    }, 15_000);
    // Every broker must know the new topic before the snippet uses it, or its first request may meet a broker
    // that answers "does not host this topic-partition": ask each partition's leader for its offsets.
    await waitUntil(async () => {
      try {
        const offsets = await admin.fetchTopicOffsets(full);
        return offsets.length === spec.numPartitions;
      } catch {
        return false;
      }
    }, 15_000);
  } finally {
    await admin.disconnect();
  }
  return full;
}

/** One record as `readTopic` returns it: key, value and headers decoded as UTF-8 text. */
export interface TopicRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  timestamp: number;
}

/**
 * Reads every record `fullName` holds right now (up to each partition's end offset at the time of the call), in
 * offset order per partition, with a throwaway consumer group that commits nothing. Pass a full name, from
 * `topic()` or `freshTopic()`. Gives up after `timeoutMs` and returns what it read by then.
 */
export async function readTopic(fullName: string, options: { timeoutMs?: number } = {}): Promise<TopicRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(fullName).finally(() => admin.disconnect());
  const pending = new Map(ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, Number(p.high) - 1]));
  const records: TopicRecord[] = [];
  if (pending.size === 0) return records;
  const text = (b: Buffer | string | null | undefined) => (b == null ? null : b.toString());
  const consumer = kafka.consumer({
    groupId: groupId(`read-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`),
    maxWaitTimeInMs: 500,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: fullName, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 15_000);
      void consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const offset = Number(message.offset);
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(text(Array.isArray(v) ? v[0] : v))]),
          );
          records.push({
            partition,
            offset,
            key: text(message.key),
            value: text(message.value),
            headers,
            timestamp: Number(message.timestamp),
          });
          if (offset >= (pending.get(partition) ?? Infinity)) pending.delete(partition);
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
          return Promise.resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/**
 * Sends a hand-built Kafka request (header + body, without the size prefix) and returns the response without
 * its size prefix. Tries each broker in turn unless one is named; logs in first where the cluster needs it.
 */
export async function kafkaRequest(request: Buffer, broker?: string): Promise<Buffer> {
  const login = env.LAB_SASL_USERNAME ? { username: env.LAB_SASL_USERNAME, password: env.LAB_SASL_PASSWORD ?? "" } : undefined;
  let lastError: unknown;
  for (const address of broker ? [broker] : brokers) {
    try {
      return await sendRaw(request, { broker: address, login });
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error ? lastError : new Error("No broker answered");
}

/** Asks the cluster who leads the KRaft controller quorum, and how far each voter has replicated the metadata log. */
export async function describeQuorum(): Promise<Quorum> {
  return parseDescribeQuorum(await kafkaRequest(describeQuorumRequest()));
}

/** `spec` with its replicas placed explicitly: each partition on every node, leaders rotating. */
async function spreadOverAllNodes(spec: ITopicConfig): Promise<ITopicConfig> {
  const ids = (await describeQuorum()).voters.map((v) => v.id).sort((x, y) => x - y);
  const replicaAssignment = Array.from({ length: spec.numPartitions ?? 3 }, (_, partition) => ({
    partition,
    replicas: ids.map((_, i) => ids[(partition + i) % ids.length]!),
  }));
  return { topic: spec.topic, replicaAssignment, configEntries: spec.configEntries ?? [] };
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms`);
    await sleep(200);
  }
}
