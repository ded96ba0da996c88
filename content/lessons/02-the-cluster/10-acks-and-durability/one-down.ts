import { freshTopic, kafka } from "lab";

// Run with broker 3 stopped (the lesson check stops it for you; by hand, use the panel).
const durable = await freshTopic("durable-orders", { partitions: 1, configs: { "min.insync.replicas": "2" } });
const strict = await freshTopic("strict-orders", { partitions: 1, configs: { "min.insync.replicas": "3" } });

const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer({ retry: { retries: 1 } }); // fail fast: the error is what we came to see
await producer.connect();

async function tryWrite(topic: string, label: string, minIsr: number, acks: number): Promise<void> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const isr = metadata!.partitions[0]!.isr;
  const setup = `${label} (ISR has ${isr.length} of ${metadata!.partitions[0]!.replicas.length}, min.insync.replicas=${minIsr}), acks=${acks === -1 ? "all" : acks}`;
  try {
    const [result] = await producer.send({ topic, acks, messages: [{ value: `order for ${label}` }] });
    console.log(`${setup}: written at offset ${result!.baseOffset}`);
  } catch (error) {
    // kafkajs wraps the broker's error after its retries; the broker's error code is in `cause`.
    const cause = (error as { cause?: { type?: string } }).cause?.type ?? (error as Error).message;
    console.log(`${setup}: rejected with ${cause}`);
  }
}

await tryWrite(durable, "durable-orders", 2, -1);
await tryWrite(strict, "strict-orders", 3, -1);
await tryWrite(strict, "strict-orders", 3, 1); // min.insync.replicas only applies to acks=all

await producer.disconnect();
await admin.disconnect();
