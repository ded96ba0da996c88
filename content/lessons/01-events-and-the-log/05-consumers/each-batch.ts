import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("metrics", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
// 500 records in five sends: the log holds them as five record batches.
for (let send = 0; send < 5; send++) {
  await producer.send({ topic, messages: Array.from({ length: 100 }, (_, i) => ({ value: `cpu=${(send * 100 + i) % 97}` })) });
}
await producer.disconnect();

// maxBytesPerPartition caps each fetch, so the consumer pulls the log in several pieces.
const consumer = kafka.consumer({ groupId: groupId("batch-reader"), maxWaitTimeInMs: 300, maxBytesPerPartition: 4096 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });

let total = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    // eachBatch hands over everything one fetch returned for a partition; you loop over it yourself.
    eachBatch: async ({ batch }) => {
      total += batch.messages.length;
      console.log(
        `batch: partition ${batch.partition}, ${batch.messages.length} records, offsets ${batch.firstOffset()}..${batch.lastOffset()}`,
      );
      if (total >= 500) resolve();
    },
  });
});
await consumer.disconnect();
console.log(`Read ${total} records in batches`);
