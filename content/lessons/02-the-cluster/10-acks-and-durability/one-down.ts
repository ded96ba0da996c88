import { freshTopic, groupId, kafka, sleep } from "lab";

// Run with broker 3 stopped (the lesson check stops it for you; by hand, use the panel).
const durable = await freshTopic("durable-orders", { partitions: 1, configs: { "min.insync.replicas": "2" } });
const strict = await freshTopic("strict-orders", { partitions: 1, configs: { "min.insync.replicas": "3" } });

const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer({ retry: { retries: 1 } }); // fail fast: the error is what we came to see
await producer.connect();

/** The partition's high watermark: consumers read only the records below it. */
const highWatermark = async (topic: string) => Number((await admin.fetchTopicOffsets(topic))[0]!.high);

async function tryWrite(topic: string, label: string, minIsr: number, acks: number): Promise<void> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  const isr = metadata!.partitions[0]!.isr;
  const setup = `${label} (ISR has ${isr.length} of ${metadata!.partitions[0]!.replicas.length}, min.insync.replicas=${minIsr}), acks=${acks === -1 ? "all" : acks}`;
  try {
    const [result] = await producer.send({ topic, acks, messages: [{ value: `order for ${label}` }] });
    // Give the followers time to fetch the record, then ask where the readable part of the log ends.
    await sleep(3000);
    const high = await highWatermark(topic);
    const readable = high > Number(result!.baseOffset) ? "readable" : "stored, but no consumer can read it";
    console.log(`${setup}: written at offset ${result!.baseOffset}, high watermark ${high} three seconds later: ${readable}`);
  } catch (error) {
    // kafkajs wraps the broker's error after its retries; the broker's error code is in `cause`.
    const cause = (error as { cause?: { type?: string } }).cause?.type ?? (error as Error).message;
    console.log(`${setup}: rejected with ${cause}`);
  }
}

await tryWrite(durable, "durable-orders", 2, -1);
await tryWrite(strict, "strict-orders", 3, -1);
await tryWrite(strict, "strict-orders", 3, 1); // accepted: the minimum is checked on write only for acks=all

// Proof from the reading side: one consumer reads both topics from the beginning. It gets the durable order
// (that proves it is really reading) and nothing from strict-orders, where the record sits above the high watermark.
const consumer = kafka.consumer({ groupId: groupId("orders-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topics: [durable, strict], fromBeginning: true });
const received = new Map([
  [durable, 0],
  [strict, 0],
]);
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ topic }) => {
    received.set(topic, received.get(topic)! + 1);
  },
});
for (let waited = 0; waited < 15_000 && received.get(durable) === 0; waited += 250) await sleep(250);
await sleep(2000); // and two more seconds for anything else to arrive
await consumer.disconnect();
console.log(
  `A consumer reading both topics got ${received.get(durable)} record(s) from durable-orders, ${received.get(strict)} from strict-orders`,
);

await producer.disconnect();
await admin.disconnect();
