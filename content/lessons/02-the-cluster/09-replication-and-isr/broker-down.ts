import { freshTopic, kafka } from "lab";

// Run this with broker 2 stopped (the lesson check stops it for you; by hand, use the panel).
// The controller still places a replica on the stopped broker, but that replica starts outside the ISR.
const topic = await freshTopic("one-broker-down", { partitions: 3 });

const admin = kafka.admin();
await admin.connect();
// A stopped broker's replicas count as offline once the controller fences it: at once after a clean shutdown has
// handed over its leaders, at the latest when its heartbeats have been missing for broker.session.timeout.ms (9 s).
const started = Date.now();
let [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
while (metadata!.partitions.some((p) => !p.offlineReplicas?.length) && Date.now() - started < 15_000) {
  await new Promise((resolve) => setTimeout(resolve, 500));
  [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
}
for (const p of metadata!.partitions.sort((a, b) => a.partitionId - b.partitionId)) {
  console.log(
    `partition ${p.partitionId}: leader ${p.leader}, replicas [${p.replicas.join(", ")}], ISR [${p.isr.join(", ")}],` +
      ` offline [${p.offlineReplicas?.join(", ") ?? ""}]`,
  );
}
await admin.disconnect();

// With two of three replicas in sync, min.insync.replicas=2 is still met, so acks=all writes succeed.
const producer = kafka.producer();
await producer.connect();
const results = await producer.send({ topic, messages: [0, 1, 2].map((partition) => ({ partition, value: "still writable" })) });
await producer.disconnect();
console.log(`Wrote ${results.length} records with acks=all while a broker was down`);
