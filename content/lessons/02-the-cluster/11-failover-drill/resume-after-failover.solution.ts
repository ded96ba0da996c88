import { freshTopic, groupId, kafka } from "lab";

// 60 ledger entries to process. If this consumer (or the broker coordinating its group) dies half-way,
// its replacement must carry on after the last entry that was processed, not from the start.
const topic = await freshTopic("ledger", { partitions: 3 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 60 }, (_, i) => ({ key: `account-${i % 5}`, value: `entry ${i}` })) });
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("ledger-readers") });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

let processed = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: from, partition, message }) => {
      processed++; // "processing": a real consumer would apply the entry to an account here
      // Commit after processing, and commit the offset of the next record: that is where a successor starts.
      // The commit lands in __consumer_offsets, which is replicated like any topic, so it survives a broker loss.
      await consumer.commitOffsets([{ topic: from, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      if (processed === 60) resolve();
    },
  });
});
await consumer.disconnect();
console.log(`Processed ${processed} ledger entries`);
