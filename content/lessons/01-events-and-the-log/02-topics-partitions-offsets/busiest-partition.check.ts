// Check: exactly one "busiest" record exists, and it sits in the partition that held the most records.
import { readTopic, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const records = await readTopic(topic("skewed"));

const markers = records.filter((r) => r.value === "busiest");
if (markers.length === 0) fail('No record with the value "busiest" in "skewed" yet.');
if (markers.length > 1) fail(`Found ${markers.length} "busiest" records; append exactly one.`);
const marked = markers[0]!.partition;

// Count each partition without the marker, as it was before the learner appended it.
const before = new Map<number, number>();
for (const r of records) if (r.value !== "busiest") before.set(r.partition, (before.get(r.partition) ?? 0) + 1);
const busiest = [...before.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
if (busiest[0] !== marked) {
  fail(`The marker is in partition ${marked} (${before.get(marked) ?? 0} records), but partition ${busiest[0]} has ${busiest[1]}.`);
}
console.log(`Right: partition ${marked} had the most records (${busiest[1]}), and the marker is there.`);
