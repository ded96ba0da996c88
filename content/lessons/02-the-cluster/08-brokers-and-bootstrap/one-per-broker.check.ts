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
const leaders = new Set(partitions.map((p) => p.leader));
if (leaders.size !== brokerIds.length) {
  fail(`Only ${leaders.size} broker(s) lead a partition right now; is a broker stopped?`);
}
console.log(`"one-per-broker" has ${partitions.length} partitions, and brokers ${brokerIds.join(", ")} each lead one.`);
await admin.disconnect();
