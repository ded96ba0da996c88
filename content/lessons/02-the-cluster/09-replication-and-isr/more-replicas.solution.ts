import { freshTopic, kafka, sleep } from "lab";

// An old topic that someone created with a single copy of each partition.
const topic = await freshTopic("legacy-events", { partitions: 3, replicationFactor: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `event ${i}` })) });
await producer.disconnect();

const admin = kafka.admin();
await admin.connect();
const brokerIds = (await admin.describeCluster()).brokers.map((b) => b.nodeId);
const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;

// The replication factor is not a topic config you can edit: you reassign each partition to more brokers.
// The current replica stays first, so it stays the preferred leader and leadership does not move.
const partitionAssignment = metadata!.partitions.map((p) => ({
  partition: p.partitionId,
  replicas: [p.replicas[0]!, ...brokerIds.filter((id) => id !== p.replicas[0])],
}));
await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment }] });

// The new replicas are followers: they fetch the partition from its leader and join the ISR once caught up.
const deadline = Date.now() + 20_000;
for (;;) {
  const [now] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  if (now!.partitions.every((p) => p.isr.length === brokerIds.length)) break;
  if (Date.now() > deadline) throw new Error("The new replicas did not catch up within 20 s");
  await sleep(250);
}

for (const p of (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions) {
  console.log(`partition ${p.partitionId}: replicas [${p.replicas.join(", ")}], ISR [${p.isr.join(", ")}]`);
}
await admin.disconnect();
