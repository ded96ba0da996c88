import { freshTopic, groupId, kafka, sleep } from "lab";

const topic = await freshTopic("invoices", { partitions: 1 });
const group = groupId("invoicing");
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ value: `invoice ${i}` })) });
await producer.disconnect();

const admin = kafka.admin();
await admin.connect();
const committedOffset = async () => (await admin.fetchOffsets({ groupId: group, topics: [topic] }))[0]!.partitions[0]!.offset;

/** Runs the group once, as its service is deployed (fromBeginning: false), and counts what it reads. */
async function runService(): Promise<number> {
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 });
  let fetches = 0;
  let read = 0;
  // Two fetches after joining are enough to know where it started: the second one comes back empty at the end.
  const settled = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => ++fetches === 2 && resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  await consumer.run({ eachMessage: async () => void read++ });
  await settled;
  await sleep(500); // let it finish handling what the first fetch returned
  await consumer.disconnect();
  return read;
}

// The group has processed everything once: its committed offset is the end of the partition.
await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: "6" }] });
console.log(`invoicing has committed offset ${await committedOffset()}`);

// Replay attempt 1: resetOffsets "to the earliest". kafkajs commits -2, a placeholder meaning "earliest"...
await admin.resetOffsets({ groupId: group, topic, earliest: true });
console.log(`after resetOffsets({ earliest: true }): committed offset ${await committedOffset()}`);
// ...and a kafkajs consumer treats any negative offset as "none", so its own fromBeginning decides.
console.log(`  replay with resetOffsets: the service read ${await runService()} records`);

// Replay attempt 2: setOffsets to a real offset, the low watermark from fetchTopicOffsets.
const [watermarks] = await admin.fetchTopicOffsets(topic);
await admin.setOffsets({ groupId: group, topic, partitions: [{ partition: 0, offset: watermarks!.low }] });
console.log(`after setOffsets to the low watermark: committed offset ${await committedOffset()}`);
console.log(`  replay with setOffsets: the service read ${await runService()} records`);
await admin.disconnect();
