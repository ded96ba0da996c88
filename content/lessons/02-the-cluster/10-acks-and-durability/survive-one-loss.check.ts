import { kafka, topic } from "lab";

const name = topic("payments");
const admin = kafka.admin();
await admin.connect();

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "payments"; run your code first.`);

const [metadata] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
const replicationFactor = Math.min(...metadata!.partitions.map((p) => p.replicas.length));

// describeConfigs returns every config of the topic, including the ones inherited from the broker.
const described = await admin.describeConfigs({
  // 2 is ConfigResourceTypes.TOPIC; kafkajs's CommonJS build does not expose that enum as an ES named export.
  resources: [{ type: 2, name, configNames: ["min.insync.replicas", "unclean.leader.election.enable"] }],
  includeSynonyms: false,
});
const config = new Map(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
const minIsr = Number(config.get("min.insync.replicas"));

if (replicationFactor < 3) {
  fail(
    `"payments" keeps ${replicationFactor} cop${replicationFactor === 1 ? "y" : "ies"} of a partition; with one broker gone, records on it could be lost.`,
  );
}
if (minIsr < 2) {
  fail(`min.insync.replicas is ${minIsr}: an acks=all write can be acknowledged with a single copy, which dies with its broker.`);
}
if (minIsr > replicationFactor - 1) {
  fail(`min.insync.replicas is ${minIsr} with ${replicationFactor} replicas: losing one broker would stop all acks=all writes.`);
}
if (config.get("unclean.leader.election.enable") !== "false") {
  fail("unclean.leader.election.enable is on: an out-of-sync replica could become leader and drop acknowledged records.");
}
const records = (await admin.fetchTopicOffsets(name)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
if (records < 50) fail(`"payments" holds ${records} records; all 50 payments should be there.`);

console.log(
  `"payments": ${replicationFactor} replicas, min.insync.replicas=${minIsr}, no unclean elections, ${records} records. One broker can fail.`,
);
await admin.disconnect();
