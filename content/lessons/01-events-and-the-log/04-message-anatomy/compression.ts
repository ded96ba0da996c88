import { CompressionTypes } from "kafkajs";
import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("compressed", { partitions: 1 });
// 200 similar log lines compress well: gzip works on the whole batch, not on single records.
const lines = Array.from({ length: 200 }, (_, i) => ({ value: `GET /lessons/${i % 7} 200 12ms user-agent=Mozilla/5.0` }));

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, compression: CompressionTypes.GZIP, messages: lines });
console.log(`Sent ${lines.length} records as one gzip batch`);

// kafkajs only ships gzip; the other codecs need a plug-in package.
try {
  await producer.send({ topic, compression: CompressionTypes.Snappy, messages: [{ value: "x" }] });
} catch (error) {
  console.log(`Snappy without a codec: ${(error as Error).message}`);
}
await producer.disconnect();

// Consumers decompress on their own: nothing in the consumer code mentions gzip.
const consumer = kafka.consumer({ groupId: groupId("gzip-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let count = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async () => {
      if (++count === lines.length) resolve();
    },
  });
});
await consumer.disconnect();
console.log(`Read ${count} records back, already decompressed`);
