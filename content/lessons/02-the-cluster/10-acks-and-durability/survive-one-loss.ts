import { freshTopic, kafka } from "lab";

// TODO: make "payments" keep every acknowledged write if any one broker dies, and stay writable while it is down.
// Think about three things: how many copies, how many of them must have a write before it is acknowledged,
// and what the producer waits for.
const topic = await freshTopic("payments", {
  partitions: 3,
  replicationFactor: 1,
  configs: { "min.insync.replicas": "1" },
});

const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < 50; i++) {
  await producer.send({ topic, acks: 1, messages: [{ key: `account-${i % 7}`, value: JSON.stringify({ payment: i, cents: 100 + i }) }] });
}
await producer.disconnect();
console.log("Wrote 50 payments");
