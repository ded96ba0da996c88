import { freshTopic, groupId, kafka } from "lab";

// 60 ledger entries to process. If this consumer (or the broker coordinating its group) dies half-way,
// its replacement must carry on after the last entry that was processed, not from the start.
const topic = await freshTopic("ledger", { partitions: 3 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `account-${i % 5}`, value: `entry ${i}` })) });
await producer.disconnect();

// TODO: this consumer never records its progress in the cluster. Make it commit, after processing each
// record, the offset of the NEXT record to read in that partition.
const consumer = kafka.consumer({ groupId: groupId("ledger-readers") });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

let processed = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      processed++; // "processing": a real consumer would apply the entry to an account here
      if (processed === 60) resolve();
    },
  });
});
await consumer.disconnect();
console.log(`Processed ${processed} ledger entries`);
