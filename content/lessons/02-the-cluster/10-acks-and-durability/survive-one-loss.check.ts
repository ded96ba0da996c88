import { kafka, readTopic, topic } from "lab";

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
// A write acknowledged with acks=1 may not be readable yet: the high watermark moves once the followers have
// fetched it. Give the topic a few seconds to show all 50 payments before reading it.
const readable = async () => (await admin.fetchTopicOffsets(name)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
for (let waited = 0; waited < 10_000 && (await readable()) < 50; waited += 250) await new Promise((r) => setTimeout(r, 250));
await admin.disconnect();

// The producer's side: each payment carries, in its "acks" header, the setting it was sent with.
const records = await readTopic(name);
const payments = new Set(records.map((r) => (JSON.parse(r.value ?? "{}") as { payment?: number }).payment));
const missing = Array.from({ length: 50 }, (_, i) => i).filter((i) => !payments.has(i));
if (missing.length)
  fail(`"payments" is missing ${missing.length} of the 50 payments (e.g. payment ${missing[0]}); all 50 should be there.`);
const unmarked = records.find((r) => r.headers.acks === undefined);
if (unmarked) fail(`A payment has no "acks" header. Keep the starter's send, which records the acks setting each payment was sent with.`);
const weak = records.find((r) => r.headers.acks !== "-1");
if (weak?.headers.acks === "1") {
  fail(
    "The payments were sent with acks=1: the leader confirms a write as soon as it is in its own log, so a leader that dies before a follower has copied it takes an acknowledged payment with it. Send with acks=-1 (all).",
  );
}
if (weak) {
  fail(
    `The payments were sent with acks=${weak.headers.acks}: the producer does not wait until the in-sync replicas have them. Send with acks=-1 (all).`,
  );
}

console.log(
  `"payments": ${replicationFactor} replicas, min.insync.replicas=${minIsr}, no unclean elections, ${records.length} payments sent with acks=all. One broker can fail.`,
);
