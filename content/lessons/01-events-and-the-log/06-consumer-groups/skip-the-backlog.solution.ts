import { freshTopic, groupId, kafka } from "lab";

// Setup: a topic with a backlog of 10 old clicks, and a "dashboard" group whose committed offsets sit at 0.
const topic = await freshTopic("clicks", { partitions: 3 });
const seen = await freshTopic("dashboard-seen", { partitions: 1 });
const group = groupId("dashboard");
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `old click ${i}` })) });
const admin = kafka.admin();
await admin.connect();
await admin.setOffsets({ groupId: group, topic, partitions: [0, 1, 2].map((partition) => ({ partition, offset: "0" })) });

// The group has committed offsets, so fromBeginning is ignored. Commit the end of each partition instead
// (the group must have no active members while you do this).
const ends = await admin.fetchTopicOffsets(topic);
await admin.setOffsets({ groupId: group, topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });

await admin.disconnect();

const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 });
const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: false });
let fresh = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      // Forward what the dashboard saw, so it can be checked later.
      await producer.send({ topic: seen, messages: [{ value: message.value }] });
      console.log(`dashboard got: ${message.value}`);
      if (message.value!.toString().startsWith("new") && ++fresh === 5) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
  // Once the group has its partitions, five new clicks arrive.
  void joined.then(() => producer.send({ topic, messages: Array.from({ length: 5 }, (_, i) => ({ value: `new click ${i}` })) }));
});
await consumer.disconnect();
await producer.disconnect();
