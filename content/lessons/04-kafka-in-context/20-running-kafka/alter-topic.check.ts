// Describes audit-events on the cluster, as kafka-topics.sh --describe would, and reads it: the logins written
// before the change must still be there, in the three partitions the topic had then, or it was never altered.
import { kafka, readTopic, topic } from "lab";

const name = topic("audit-events");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name }] });
await admin.disconnect();

const partitions = topics[0]!.partitions;
const retention = resources[0]!.configEntries.find((e) => e.configName === "retention.ms");
if (partitions.length !== 6)
  fail(`audit-events has ${partitions.length} partitions; it should have 6 (createPartitions' count is the new total).`);
if (partitions.some((p) => p.leader < 0)) fail("some of audit-events' partitions have no leader yet.");
if (retention?.configValue !== "86400000")
  fail(`audit-events has retention.ms=${retention?.configValue}; it should be 86400000 (one day, in milliseconds).`);
if (retention.isDefault) fail("retention.ms is still the broker default; set it on the topic.");

const before = (await readTopic(name)).filter((r) => r.value?.startsWith("before:"));
if (before.length < 6)
  fail(
    `audit-events holds ${before.length} of the 6 logins written before the change. Deleting and re-creating a topic loses its records; alter it in place.`,
  );
const misplaced = before.filter((r) => r.partition >= 3);
if (misplaced.length)
  fail(
    `${misplaced.map((r) => `${r.key}'s login from before the change is in partition ${r.partition}`).join(", ")}, which did not exist yet if the topic had 3 partitions then. ` +
      "Create audit-events with 3 partitions, as the setup does, and alter it afterwards.",
  );
console.log(
  "✓ audit-events was altered in place: 6 partitions, each with a leader, retention.ms=86400000 on the topic, and yesterday's logins still in the original 3.",
);
