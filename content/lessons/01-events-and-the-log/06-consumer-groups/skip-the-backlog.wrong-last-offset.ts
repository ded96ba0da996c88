// Wrong on purpose: commits the offset of the last old record, one short of the end.
import { freshTopic, groupId, kafka } from "lab";

// Setup: a topic with a backlog of 10 old clicks, and a "dashboard" group whose committed offsets sit at 0.
const topic = await freshTopic("clicks", { partitions: 3 });
const group = groupId("dashboard");
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `old click ${i}` })) });
await producer.disconnect();
const admin = kafka.admin();
await admin.connect();
await admin.setOffsets({ groupId: group, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: "0" })) });

// Point each partition at its last record.
const ends = await admin.fetchTopicOffsets(topic);
await admin.setOffsets({
  groupId: group,
  topic,
  partitions: ends.map((p) => ({ partition: p.partition, offset: String(Number(p.high) - 1) })),
});

// Where the dashboard will resume (the check then starts it and writes five new clicks):
const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
for (const p of committed!.partitions.sort((a, b) => a.partition - b.partition)) {
  console.log(`dashboard resumes partition ${p.partition} at offset ${p.offset}`);
}
await admin.disconnect();
