import { freshTopic, kafka } from "lab";

// Three partitions, three copies of each (the cluster's default replication factor).
const topic = await freshTopic("replicated", { partitions: 3 });

const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 6 }, (_, i) => ({ key: `k${i}`, value: `event ${i}` })) });
await producer.disconnect();

const admin = kafka.admin();
await admin.connect();
const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
const ends = await admin.fetchTopicOffsets(topic);
for (const p of metadata!.partitions.sort((a, b) => a.partitionId - b.partitionId)) {
  const end = ends.find((o) => o.partition === p.partitionId)!.high;
  // The first broker in the replica list is the partition's preferred leader.
  const preferred = p.replicas[0];
  console.log(
    `partition ${p.partitionId}: leader ${p.leader}, replicas [${p.replicas.join(", ")}], ISR [${p.isr.join(", ")}],` +
      ` preferred leader ${preferred}${p.leader === preferred ? "" : " (not leading)"}, ${end} records`,
  );
}
await admin.disconnect();
