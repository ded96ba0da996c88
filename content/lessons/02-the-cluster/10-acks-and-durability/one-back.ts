import { groupId, kafka, sleep, topic as topicName } from "lab";

// Run after two-down.ts, with broker 2 started again and broker 3 still stopped.
const topic = topicName("durable-orders");
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(topic)) {
  console.log("durable-orders does not exist yet: start every broker, run one-down.ts, then two-down.ts.");
  process.exit(1);
}

// A returning broker first catches up from the leader, then the leader adds it back to the ISR.
// Once the ISR has min.insync.replicas (2) members again, the high watermark moves past the acks=1 record.
const partition0 = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions[0]!;
const highWatermark = async () => Number((await admin.fetchTopicOffsets(topic))[0]!.high);
const started = Date.now();
let state = await partition0();
let high = await highWatermark();
console.log(`now: ISR [${state.isr.join(", ")}], high watermark ${high}`);
if (state.isr.length < 2) {
  while (state.isr.length < 2 && Date.now() - started < 45_000) {
    await sleep(500);
    state = await partition0().catch(() => state);
  }
  // The leader moves the high watermark as soon as it applies the bigger ISR; allow it a moment.
  const before = high;
  for (let waited = 0; waited < 5000 && (high = await highWatermark()) === before; waited += 250) await sleep(250);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`after ${seconds} s: ISR [${state.isr.join(", ")}], high watermark ${high}`);
} else {
  console.log("Broker 2 was already back in the ISR when this started, so the high watermark has moved on already.");
}

// Read the whole partition: the record written with acks=1 while it was invisible is there now.
const consumer = kafka.consumer({ groupId: groupId("durable-orders-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const values: string[] = [];
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ message }) => {
    values.push(String(message.value));
  },
});
for (let waited = 0; waited < 15_000 && values.length < (await highWatermark()); waited += 250) await sleep(250);
await consumer.disconnect();
await admin.disconnect();
console.log(`A consumer reads ${values.length} records: ${values.join(" | ")}`);
