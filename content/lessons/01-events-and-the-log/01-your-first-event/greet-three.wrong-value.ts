// Wrong on purpose: the value is "Hello ada", not "hello, ada".
import { freshTopic, kafka } from "lab";

// An empty topic for your greetings.
const topic = await freshTopic("greetings", { partitions: 3 });
const people = ["ada", "grace", "linus"];

const producer = kafka.producer();
await producer.connect();

for (const name of people) {
  const [meta] = await producer.send({ topic, messages: [{ key: name, value: `Hello ${name}` }] });
  console.log(`${name}: partition ${meta!.partition}, offset ${meta!.baseOffset}`);
}

await producer.disconnect();
console.log("Done.");
