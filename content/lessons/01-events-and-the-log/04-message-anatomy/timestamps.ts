import { freshTopic, groupId, kafka } from "lab";

// Two topics that differ in one setting: who decides a record's timestamp.
const createTime = await freshTopic("stamped-by-producer", { partitions: 1 });
const appendTime = await freshTopic("stamped-by-broker", {
  partitions: 1,
  configs: { "message.timestamp.type": "LogAppendTime" },
});

// The producer claims the event happened on 1 January 2024.
const claimed = String(Date.UTC(2024, 0, 1));
const producer = kafka.producer();
await producer.connect();
for (const topic of [createTime, appendTime]) {
  await producer.send({ topic, messages: [{ value: "door opened", timestamp: claimed }] });
}
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("timestamp-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topics: [createTime, appendTime], fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ topic, message }) => {
      const kind = topic === createTime ? "CreateTime   " : "LogAppendTime";
      console.log(`${kind} topic: timestamp ${new Date(Number(message.timestamp)).toISOString()}`);
      if (++seen === 2) resolve();
    },
  });
});
await consumer.disconnect();
