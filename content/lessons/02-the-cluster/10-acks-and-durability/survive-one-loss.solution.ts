import { freshTopic, kafka } from "lab";

// Three copies; a write is acknowledged only when at least two of them have it. Losing one broker then
// leaves a copy of every acknowledged record, and two replicas are still enough to accept new writes.
const topic = await freshTopic("payments", {
  partitions: 3,
  replicationFactor: 3,
  configs: { "min.insync.replicas": "2", "unclean.leader.election.enable": "false" },
});

// What the producer waits for (0, 1, or -1 for all). Change it here: every payment is sent with this setting and
// carries it in an "acks" header, which is how the check, reading the topic later, knows what you chose.
// acks=all (-1) is kafkajs's default; spelled out because the whole guarantee depends on it.
const acks: number = -1;

const producer = kafka.producer();
await producer.connect();
for (let i = 0; i < 50; i++) {
  await producer.send({
    topic,
    acks,
    messages: [{ key: `account-${i % 7}`, value: JSON.stringify({ payment: i, cents: 100 + i }), headers: { acks: String(acks) } }],
  });
}
await producer.disconnect();
console.log("Wrote 50 payments");
