import { groupId, kafka, topic } from "lab";

const name = topic("ledger");
const group = groupId("ledger-readers");
const admin = kafka.admin();
await admin.connect();

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "ledger"; run your code first.`);
const ends = await admin.fetchTopicOffsets(name);
const [committed] = await admin.fetchOffsets({ groupId: group, topics: [name] });
const byPartition = new Map(committed!.partitions.map((p) => [p.partition, p.offset]));

for (const { partition, high } of ends.sort((a, b) => a.partition - b.partition)) {
  const offset = byPartition.get(partition) ?? "-1";
  if (offset === "-1") {
    if (high === "0") continue; // an empty partition has nothing to commit
    fail(
      `Group "ledger-readers" has no committed offset for partition ${partition}: a new consumer would start over and process all ${high} entries again.`,
    );
  }
  if (BigInt(offset) < BigInt(high)) {
    const behind = BigInt(high) - BigInt(offset);
    fail(
      `Partition ${partition}: committed ${offset}, but the log ends at ${high}. A new consumer would process ${behind} entr${behind === 1n ? "y" : "ies"} again (commit the offset of the next record, not the one you just read).`,
    );
  }
}
const total = ends.reduce((sum, o) => sum + Number(o.high), 0);
if (total < 60) fail(`"ledger" holds ${total} entries; expected 60.`);
console.log(
  `"ledger-readers" has committed the end of every partition of "ledger" (${total} entries): a replacement consumer resumes with nothing to redo.`,
);
await admin.disconnect();
