import { CompressionTypes } from "kafkajs";
import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("compressed", { partitions: 1 });
const plain = await freshTopic("uncompressed", { partitions: 1 });
// 200 similar log lines compress well: gzip works on the whole batch, not on single records.
const lines = Array.from({ length: 200 }, (_, i) => ({ value: `GET /lessons/${i % 7} 200 12ms user-agent=Mozilla/5.0` }));

const producer = kafka.producer();
await producer.connect();
// One send() makes one batch per partition: all 200 lines travel and are stored together.
await producer.send({ topic, compression: CompressionTypes.GZIP, messages: lines });
console.log(`Sent ${lines.length} records as one gzip batch`);
await producer.send({ topic: plain, messages: lines }); // the same lines, uncompressed, for comparison

// kafkajs only ships gzip; the other codecs need a plug-in package.
try {
  await producer.send({ topic, compression: CompressionTypes.Snappy, messages: [{ value: "x" }] });
} catch (error) {
  console.log(`Snappy without a codec: ${(error as Error).message}`);
}
await producer.disconnect();

/** Reads `count` records of `from`; returns the size of the largest Fetch response, i.e. the batch as stored. */
async function read(from: string, count: number): Promise<{ read: number; bytes: number }> {
  // Consumers decompress on their own: nothing in the consumer code mentions gzip.
  const consumer = kafka.consumer({ groupId: groupId(`reader-${from}`), maxWaitTimeInMs: 500 });
  let bytes = 0;
  consumer.on(consumer.events.REQUEST, ({ payload }) => {
    if (payload.apiName === "Fetch") bytes = Math.max(bytes, payload.size); // size of the response, in bytes
  });
  await consumer.connect();
  await consumer.subscribe({ topic: from, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async () => {
        if (++seen === count) resolve();
      },
    });
  });
  await consumer.disconnect();
  return { read: seen, bytes };
}

const gz = await read(topic, lines.length);
const raw = await read(plain, lines.length);
console.log(`Read ${gz.read} records back, already decompressed`);
console.log(`The brokers sent the batch in ${gz.bytes} bytes with gzip, ${raw.bytes} bytes without`);
