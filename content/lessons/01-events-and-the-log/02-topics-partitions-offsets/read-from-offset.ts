import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("readings", { partitions: 3 });

// Nine readings from one sensor, all in partition 1, so they sit at offsets 0..8 of that partition.
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: Array.from({ length: 9 }, (_, i) => ({ partition: 1, value: `reading ${i}` })),
});
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("offset-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
// Move this consumer's position in partition 1 to offset 4, so it skips offsets 0..3. The seek is made each time
// the consumer (re)joins its group holding partition 1: a seek made before the group has settled can be lost to a
// rebalance, which starts the partition again from the group's committed offset (none yet, so the beginning).
consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
  if (payload.memberAssignment[topic]?.includes(1)) consumer.seek({ topic, partition: 1, offset: "4" });
});

await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000);
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      console.log(`partition ${partition}, offset ${message.offset}: ${message.value}`);
      if (partition === 1 && message.offset === "8") {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
