// Wrong on purpose: the marker goes to every partition, not only the busiest.
import { freshTopic, kafka } from "lab";

// Setup: a 4-partition topic where each partition gets a different, random number of records.
const topic = await freshTopic("skewed", { partitions: 4 });
const counts = [2, 4, 6, 8].sort(() => Math.random() - 0.5);
const producer = kafka.producer();
await producer.connect();
for (const [partition, count] of counts.entries()) {
  await producer.send({ topic, messages: Array.from({ length: count }, (_, i) => ({ partition, value: `record ${i}` })) });
}

const admin = kafka.admin();
await admin.connect();

// Records in a partition = next offset to be written (high) - oldest offset still kept (low).
const offsets = await admin.fetchTopicOffsets(topic);
const sizes = offsets
  .sort((a, b) => a.partition - b.partition)
  .map((p) => ({ partition: p.partition, records: Number(p.high) - Number(p.low) }));
for (const s of sizes) console.log(`partition ${s.partition}: ${s.records} records`);

const busiest = sizes.reduce((best, s) => (s.records > best.records ? s : best));
console.log(`The busiest partition is ${busiest.partition}`);
// Marks every partition, "to be safe".
await producer.send({ topic, messages: sizes.map((s) => ({ partition: s.partition, value: "busiest" })) });

await admin.disconnect();
await producer.disconnect();
