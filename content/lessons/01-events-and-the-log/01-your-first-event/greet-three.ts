import { freshTopic, kafka } from "lab";

// An empty topic for your greetings.
const topic = await freshTopic("greetings", { partitions: 3 });
const people = ["ada", "grace", "linus"];

const producer = kafka.producer();
await producer.connect();

// TODO: send one record per person to `topic`:
//   key:   the person's name, e.g. "ada"
//   value: "hello, " followed by the name, e.g. "hello, ada"
// Then print where each record landed (partition and offset).

await producer.disconnect();
console.log("Done.");
