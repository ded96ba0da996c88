import { freshTopic, groupId, kafka, sleep, transactionalId } from "lab";

const topic = await freshTopic("orders-tx", { partitions: 1 });
const plain = kafka.producer();
await plain.connect();
await plain.send({ topic, messages: [{ value: "order 1" }] }); // offset 0

// A transaction is opened and written to, but not finished yet.
const producer = kafka.producer({ transactionalId: transactionalId("orders-writer"), idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const open = await producer.transaction();
await open.send({ topic, messages: [{ value: "order 2 (in the transaction)" }] }); // offset 1
await plain.send({ topic, messages: [{ value: "order 3 (no transaction)" }] }); // offset 2

let peeks = 0;
/** Reads the topic from the start with a fresh group for a moment; returns the values and the high watermark. */
async function peek(readUncommitted: boolean): Promise<{ values: string[]; highWatermark: string }> {
  const consumer = kafka.consumer({ groupId: groupId(`orders-peek-${++peeks}`), readUncommitted, maxWaitTimeInMs: 300 });
  const values: string[] = [];
  let highWatermark = "?";
  let fetches = 0;
  const done = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => ++fetches === 3 && resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      values.push(...batch.messages.map((m) => m.value!.toString()));
      highWatermark = batch.highWatermark;
    },
  });
  await done; // three fetches: the records there are to read, then nothing more
  await consumer.disconnect();
  return { values, highWatermark };
}

const admin = kafka.admin();
await admin.connect();
async function report(when: string): Promise<void> {
  const uncommitted = await peek(true);
  const committed = await peek(false);
  // kafkajs's admin asks for offsets as a read_committed reader: while a transaction is open, `high` is the LSO.
  const [offsets] = await admin.fetchTopicOffsets(topic);
  console.log(`${when}: high watermark ${uncommitted.highWatermark}, fetchTopicOffsets high ${offsets!.high}`);
  console.log(`${when}: read_uncommitted reads ${uncommitted.values.join(" | ")}`);
  console.log(`${when}: read_committed reads   ${committed.values.join(" | ")}`);
}

await report("transaction open");
await open.commit();
// commit() returns once the outcome is decided; the brokers write the commit marker into the partition just after.
for (let waited = 0; waited < 5000 && (await admin.fetchTopicOffsets(topic))[0]!.high !== "4"; waited += 100) await sleep(100);
await report("after commit");
await admin.disconnect();
await Promise.all([producer.disconnect(), plain.disconnect()]);
