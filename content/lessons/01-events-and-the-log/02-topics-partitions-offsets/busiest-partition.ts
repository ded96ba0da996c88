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

// TODO 1: ask the brokers for the offsets of every partition (admin.fetchTopicOffsets) and work out
//         how many records each partition holds. Do not use `counts`: pretend you never saw it.
// TODO 2: find the partition with the most records and print it.
// TODO 3: append one record with the value "busiest" to that partition.

await admin.disconnect();
await producer.disconnect();
