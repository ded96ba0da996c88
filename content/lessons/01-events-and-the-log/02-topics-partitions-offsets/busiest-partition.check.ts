// Check: exactly one "busiest" record exists, and it sits in the partition that held the most records.
import { groupId, kafka, topic } from "lab";

const name = topic("skewed");
const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(name);
await admin.disconnect();
const records = await readAll(
  name,
  offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0),
);

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

/** Every record in the topic, read with a throwaway group that commits nothing. */
async function readAll(t: string, expected: number): Promise<{ partition: number; value: string }[]> {
  const out: { partition: number; value: string }[] = [];
  if (expected === 0) return out;
  const group = groupId(`check-${Date.now()}`);
  const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: t, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 15_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        out.push({ partition, value: message.value?.toString() ?? "" });
        if (out.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return out;
}
