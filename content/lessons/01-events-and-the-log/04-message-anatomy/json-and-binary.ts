import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("measurements", { partitions: 1 });
const reading = { sensor: 7, celsius: 21.4, at: 1_700_000_000_000 };

// Two encodings of the same reading. JSON is self-describing; the binary layout is only known to its authors.
const json = Buffer.from(JSON.stringify(reading));
const binary = Buffer.alloc(20);
binary.writeUInt32BE(reading.sensor, 0);
binary.writeDoubleBE(reading.celsius, 4);
binary.writeBigUInt64BE(BigInt(reading.at), 12);
console.log(`JSON: ${json.length} bytes, binary: ${binary.length} bytes`);

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { value: json, headers: { format: "json" } },
    { value: binary, headers: { format: "binary" } },
  ],
});
await producer.disconnect();

// This consumer assumes every value is JSON: a serializer mismatch waiting to happen.
const consumer = kafka.consumer({ groupId: groupId("json-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ message }) => {
      const format = message.headers?.format?.toString();
      try {
        const decoded = JSON.parse(message.value!.toString("utf8"));
        console.log(`offset ${message.offset} (${format}): decoded celsius=${decoded.celsius}`);
      } catch (error) {
        console.log(`offset ${message.offset} (${format}): cannot decode as JSON (${(error as Error).name})`);
        // Knowing the layout, the binary record decodes fine.
        console.log(`  read with the binary layout: celsius=${message.value!.readDoubleBE(4)}`);
      }
      if (++seen === 2) resolve();
    },
  });
});
await consumer.disconnect();
