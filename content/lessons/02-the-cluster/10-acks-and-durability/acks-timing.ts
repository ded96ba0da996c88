import { freshTopic, kafka } from "lab";

const topic = await freshTopic("acks-timing", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();

// One record per request, each awaited, so we time the round trip the acks setting asks for.
const count = 100;
for (const acks of [0, 1, -1]) {
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await producer.send({ topic, acks, messages: [{ value: `record ${i} with acks=${acks}` }] });
  }
  const perRecord = (performance.now() - started) / count;
  const label = acks === -1 ? "all" : String(acks);
  console.log(`acks=${label}: ${count} records, ${perRecord.toFixed(2)} ms per record`);
}
await producer.disconnect();

// The log only knows what reached it; with acks=0 the producer never learns whether it did.
const admin = kafka.admin();
await admin.connect();
const high = (await admin.fetchTopicOffsets(topic))[0]!.high;
console.log(`The partition holds ${high} records (${3 * count} sent)`);
await admin.disconnect();
