import { kafka, sleep, topic as topicName } from "lab";

// Run with brokers 2 and 3 stopped, after one-down.ts has created durable-orders.
// With two of three nodes gone the controller quorum has no majority, so no topic can be created now:
// this snippet reuses the existing topic instead of making a fresh one.
const topic = topicName("durable-orders");
const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(topic)) {
  console.log("durable-orders does not exist yet: start every broker, run one-down.ts, then stop brokers 2 and 3.");
  process.exit(1);
}
const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
const { leader, isr, replicas } = metadata!.partitions[0]!;
console.log(`durable-orders partition 0: leader ${leader}, ISR [${isr.join(", ")}] of replicas [${replicas.join(", ")}]`);

/** The partition's high watermark: consumers read only the records below it. */
const highWatermark = async () => Number((await admin.fetchTopicOffsets(topic))[0]!.high);
console.log(`high watermark before writing: ${await highWatermark()}`);

const producer = kafka.producer({ retry: { retries: 1 } });
await producer.connect();
for (const acks of [-1, 1]) {
  const label = acks === -1 ? "all" : String(acks);
  try {
    const [result] = await producer.send({ topic, acks, timeout: 5000, messages: [{ value: `written with acks=${label}` }] });
    console.log(`acks=${label}: written at offset ${result!.baseOffset}, with a single copy on broker ${leader}`);
  } catch (error) {
    const cause = (error as { cause?: { type?: string } }).cause?.type ?? (error as Error).message;
    console.log(`acks=${label}: rejected with ${cause}`);
  }
}
await producer.disconnect();

// The acks=1 record is in broker 1's log, but the ISR (one replica) is below min.insync.replicas (2),
// so the high watermark does not move: the record is not committed, and consumers cannot see it.
await sleep(3000);
console.log(`high watermark three seconds later: ${await highWatermark()} (the acks=1 record is above it, unreadable)`);
await admin.disconnect();
