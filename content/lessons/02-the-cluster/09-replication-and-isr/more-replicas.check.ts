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
if (metadata!.partitions.length !== 3)
  fail(`"legacy-events-rf3" has ${metadata!.partitions.length} partitions; it needs the same 3 as "legacy-events".`);
for (const p of metadata!.partitions) {
  if (new Set(p.replicas).size !== 3)
    fail(`Partition ${p.partitionId} of "legacy-events-rf3" has replicas [${p.replicas.join(", ")}]; it needs three.`);
  if (p.isr.length !== 3)
    fail(
      `Partition ${p.partitionId} of "legacy-events-rf3" has ISR [${p.isr.join(", ")}]: not every copy is in sync (is a broker stopped?).`,
    );
}
await admin.disconnect();

/** Each partition's records, in offset order, as "key=value". */
async function partitions(name: string): Promise<string[][]> {
  const lists: string[][] = [[], [], []];
  for (const r of await readTopic(name)) lists[r.partition]?.push(`${r.key}=${r.value}`);
  return lists;
}

// The old topic must hold what the starter wrote: record i (key k<i>, value "event <i>") in partition i % 3.
const expected: string[][] = [[], [], []];
for (let i = 0; i < 30; i++) expected[i % 3]!.push(`k${i}=event ${i}`);
const before = await partitions(source);
if (before.some((list, p) => list.join("|") !== expected[p]!.join("|"))) {
  fail(`"legacy-events" does not hold the starter's 30 records any more. Keep the code that writes them.`);
}

const after = await partitions(target);
const total = after.reduce((sum, list) => sum + list.length, 0);
if (total !== 30) fail(`"legacy-events-rf3" holds ${total} records; "legacy-events" holds 30. Copy every one, once.`);
for (let p = 0; p < 3; p++) {
  const want = expected[p]!;
  const got = after[p]!;
  if (got.join("|") === want.join("|")) continue;
  const stray = got.find((r) => !want.includes(r));
  if (stray?.startsWith("null="))
    fail(`Partition ${p} of "legacy-events-rf3" has records without their key (e.g. ${stray}). Copy each record's key too.`);
  if (stray)
    fail(
      `Partition ${p} of "legacy-events-rf3" holds ${stray}, which "legacy-events" keeps in another partition. Write each record to the partition it came from: the old producer chose partitions itself, so the key does not decide them.`,
    );
  fail(
    `Partition ${p} of "legacy-events-rf3" has the right records in the wrong order (${got.slice(0, 3).join(", ")}, … instead of ${want.slice(0, 3).join(", ")}, …). Copy them in offset order.`,
  );
}
console.log(`All 30 records are in "legacy-events-rf3", each in its original partition and order, stored on 3 in-sync replicas.`);
