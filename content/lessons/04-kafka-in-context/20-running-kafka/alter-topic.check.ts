// Describes audit-events on the cluster, as kafka-topics.sh --describe would.
import { kafka, topic } from "lab";

const name = topic("audit-events");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name }] });
await admin.disconnect();

const partitions = topics[0]!.partitions;
const retention = resources[0]!.configEntries.find((e) => e.configName === "retention.ms");
if (partitions.length !== 6) fail(`audit-events has ${partitions.length} partitions; it should have 6.`);
if (partitions.some((p) => p.leader < 0)) fail("some of audit-events' partitions have no leader yet.");
if (retention?.configValue !== "86400000")
  fail(`audit-events has retention.ms=${retention?.configValue}; it should be 86400000 (one day).`);
if (retention.isDefault) fail("retention.ms is still the broker default; set it on the topic.");
console.log("✓ audit-events has 6 partitions, each with a leader, and retention.ms=86400000 set on the topic.");
