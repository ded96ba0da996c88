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

// TODO: the dashboard only cares about clicks from now on. It is deployed with fromBeginning: true, which
//       you cannot change today. Before it starts, move the group's committed offsets to the end of the topic.

// Where the dashboard will resume (the check then starts it and writes five new clicks):
const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
for (const p of committed!.partitions.sort((a, b) => a.partition - b.partition)) {
  console.log(`dashboard resumes partition ${p.partition} at offset ${p.offset}`);
}
await admin.disconnect();
