import { displayName, freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("first-events", { partitions: 3 });

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: [{ key: "learner-1", value: "hello, Kafka" }] });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("first-reader") });
await consumer.connect();
// fromBeginning: this group has never read the topic, so start at the oldest record rather than the newest.
await consumer.subscribe({ topic, fromBeginning: true });

// Resolve once the first record arrives, then stop the consumer.
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      // The timestamp is milliseconds since 1970, carried as a string.
      const time = new Date(Number(message.timestamp)).toISOString();
      console.log(`Read back from ${displayName(from)}, partition ${partition}, offset ${message.offset}`);
      console.log(`  key=${message.key} value=${message.value} timestamp=${time}`);
      resolve();
    },
  });
});
await consumer.disconnect();
