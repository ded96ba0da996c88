import { freshTopic, groupId, kafka } from "lab";

// An old topic that someone created with a single copy of each partition. Its producer chose the partitions
// itself (round robin), so a record's partition does not follow from its key.
const legacy = await freshTopic("legacy-events", { partitions: 3, replicationFactor: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: legacy,
  messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `event ${i}`, partition: i % 3 })),
});

// The new home: the same partition count, and a spare copy of each partition.
const target = await freshTopic("legacy-events-rf3", { partitions: 3, replicationFactor: 2 });

// Copy partition by partition, so every record stays in the partition it was in, and in the same order.
const consumer = kafka.consumer({ groupId: groupId("rf3-copier"), sessionTimeout: 6000, rebalanceTimeout: 3000, heartbeatInterval: 500 });
await consumer.connect();
await consumer.subscribe({ topic: legacy, fromBeginning: true });
let copied = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      await producer.send({ topic: target, acks: -1, messages: [{ key: message.key, value: message.value, partition }] });
      if (++copied === 30) resolve();
    },
  });
});
await consumer.disconnect();
await producer.disconnect();
console.log(`Copied ${copied} records`);
