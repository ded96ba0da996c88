import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("first-events", { partitions: 3 });

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: [{ key: "learner-1", value: "hello, Kafka" }] });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("first-reader") });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

// Resolve once the first record arrives, then stop the consumer.
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      const time = new Date(Number(message.timestamp)).toISOString();
      console.log(`Read back from partition ${partition} at offset ${message.offset}: key=${message.key} value=${message.value} time=${time}`);
      resolve();
    },
  });
});
await consumer.disconnect();
