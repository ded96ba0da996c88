import { freshTopic, kafka } from "lab";

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

// TODO: give every partition three replicas, one per broker, without moving its current leader
// (keep the broker that holds it now first in the list). Use admin.alterPartitionReassignments().
// Each entry is { partition, replicas: [broker ids] }; the first replica is the preferred leader.
console.log(`Brokers ${brokerIds.join(", ")}; ${metadata!.partitions.length} partitions to change`);
const partitionAssignment: { partition: number; replicas: number[] }[] = [];
if (partitionAssignment.length) await admin.alterPartitionReassignments({ topics: [{ topic, partitionAssignment }] });

// TODO: wait (sleep() from "lab" helps) until Kafka has copied the data: every partition's ISR lists three brokers.

for (const p of (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions) {
  console.log(`partition ${p.partitionId}: replicas [${p.replicas.join(", ")}], ISR [${p.isr.join(", ")}]`);
}
await admin.disconnect();
