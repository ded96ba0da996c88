import { freshTopic, kafka } from "lab";

// Three copies; a write is acknowledged only when at least two of them have it. Losing one broker then
// leaves a copy of every acknowledged record, and two replicas are still enough to accept new writes.
const topic = await freshTopic("payments", {
  partitions: 3,
  replicationFactor: 3,
  configs: { "min.insync.replicas": "2", "unclean.leader.election.enable": "false" },
});

const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < 50; i++) {
  // acks=all (-1) is the default; spelled out because the whole guarantee depends on it.
  await producer.send({ topic, acks: -1, messages: [{ key: `account-${i % 7}`, value: JSON.stringify({ payment: i, cents: 100 + i }) }] });
}
await producer.disconnect();
console.log("Wrote 50 payments");
