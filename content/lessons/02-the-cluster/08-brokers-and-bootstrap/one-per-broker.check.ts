import { kafka, topic } from "lab";

const name = topic("one-per-broker");
const admin = kafka.admin();
await admin.connect();

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

const brokerIds = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "one-per-broker" yet.`);
const [metadata] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
const partitions = metadata!.partitions;

if (partitions.length !== brokerIds.length) {
  fail(`"one-per-broker" has ${partitions.length} partition(s), but the cluster has ${brokerIds.length} brokers.`);
}
const preferred = partitions.map((p) => p.replicas[0]).sort((a, b) => a! - b!);
if (preferred.join() !== brokerIds.join()) {
  fail(
    `The preferred leaders (first replicas) are brokers ${preferred.join(", ")}; each of ${brokerIds.join(", ")} should appear exactly once.`,
  );
}
// Spreading the leaders is no use if a partition then lives on one broker only: each needs a copy on every broker.
for (const p of partitions) {
  if ([...p.replicas].sort((a, b) => a - b).join() !== brokerIds.join()) {
    fail(
      `Partition ${p.partitionId} has replicas [${p.replicas.join(", ")}]; give every partition a replica on each of brokers ${brokerIds.join(", ")}, so losing one broker loses no partition.`,
    );
  }
}
const leaders = new Set(partitions.map((p) => p.leader));
if (leaders.size !== brokerIds.length) {
  fail(`Only ${leaders.size} broker(s) lead a partition right now; is a broker stopped?`);
}
console.log(`"one-per-broker" has ${partitions.length} partitions, and brokers ${brokerIds.join(", ")} each lead one.`);
await admin.disconnect();
