import { freshTopic, kafka } from "lab";

const topic = await freshTopic("first-events", { partitions: 3 });

const producer = kafka.producer();
await producer.connect();
const [result] = await producer.send({
  topic,
  messages: [{ key: "learner-1", value: "hello, Kafka" }],
});
await producer.disconnect();

console.log(`Written to first-events, partition ${result!.partition}, offset ${result!.baseOffset}`);
