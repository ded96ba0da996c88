import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("anatomy", { partitions: 1 });

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    {
      key: "sensor-7",
      value: "21.4",
      // Headers carry metadata beside the value; the broker stores them but never reads them.
      // A name may repeat: an array sends one header per element, in order.
      headers: { "trace-id": "4bf92f35", source: "greenhouse", unit: "celsius", tag: ["indoor", "calibrated"] },
    },
  ],
});
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("anatomy-reader"), maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await new Promise<void>((resolve) => {
  void consumer.run({
    eachMessage: async ({ message }) => {
      // Everything arrives as bytes (Buffers); turning them back into text is the consumer's job.
      console.log(`key:   ${message.key?.length} bytes -> "${message.key}"`);
      console.log(`value: ${message.value?.length} bytes -> "${message.value}"`);
      for (const [name, bytes] of Object.entries(message.headers ?? {})) {
        // kafkajs hands back one Buffer per name, or an array of Buffers when the name appeared more than once.
        if (Array.isArray(bytes)) console.log(`header ${name} = [${bytes.map(String).join(", ")}] (${bytes.length} headers)`);
        else console.log(`header ${name} = ${bytes?.toString()}`);
      }
      resolve();
    },
  });
});
await consumer.disconnect();
