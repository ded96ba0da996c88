import { kafka, readTopic, topic } from "lab";

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

const source = topic("legacy-events");
const target = topic("legacy-events-rf3");
const admin = kafka.admin();
await admin.connect();
const topics = await admin.listTopics();
if (!topics.includes(source)) fail(`There is no topic "legacy-events"; run your code first.`);
if (!topics.includes(target)) fail(`There is no topic "legacy-events-rf3" yet.`);
const [metadata] = (await admin.fetchTopicMetadata({ topics: [target] })).topics;
for (const p of metadata!.partitions) {
  if (new Set(p.replicas).size !== 3)
    fail(`Partition ${p.partitionId} of "legacy-events-rf3" has replicas [${p.replicas.join(", ")}]; it needs three.`);
  if (p.isr.length !== 3)
    fail(
      `Partition ${p.partitionId} of "legacy-events-rf3" has ISR [${p.isr.join(", ")}]: not every copy is in sync (is a broker stopped?).`,
    );
}
await admin.disconnect();

/** Every record of a topic as "partition/key/value". */
async function contents(name: string): Promise<string[]> {
  return (await readTopic(name)).map((r) => `${r.partition}/${r.key}/${r.value}`).sort();
}

const [before, after] = [await contents(source), await contents(target)];
if (after.length !== before.length)
  fail(`"legacy-events-rf3" holds ${after.length} records; "legacy-events" holds ${before.length}. Copy every one, once.`);
const moved = after.filter((r, i) => r !== before[i]);
if (moved.length) fail(`Some records differ or changed partition, e.g. ${moved[0]}. Keep each record's key, value and partition.`);
console.log(`All ${after.length} records are in "legacy-events-rf3", in their original partitions, each stored on 3 in-sync replicas.`);
