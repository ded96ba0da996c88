// Reads trip-events-dlq, its headers, and the trip-sink group's committed offsets from the cluster.
import { groupId, kafka, readTopic, topic } from "lab";

const trips = topic("trip-events");
const dlq = topic("trip-events-dlq");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
const ends = await admin.fetchTopicOffsets(trips);
const [committed] = await admin.fetchOffsets({ groupId: groupId("trip-sink"), topics: [trips] });
await admin.disconnect();

const records = (await readTopic(dlq)).map((r) => ({ key: String(r.key), value: String(r.value), headers: r.headers }));
if (records.length !== 2) fail(`trip-events-dlq holds ${records.length} records; the two broken trips (t-2 and t-4) should be there.`);

const keys = records
  .map((r) => r.key)
  .sort()
  .join(", ");
if (keys !== "t-2, t-4") fail(`the dead-letter topic holds ${keys}; it should hold t-2 and t-4.`);
for (const r of records) {
  if (r.key === "t-2" && r.value !== "{ this is not JSON")
    fail("t-2 was changed on its way to the dead-letter topic; keep the original bytes.");
  for (const header of ["error", "source-topic", "source-partition", "source-offset"]) {
    if (!r.headers[header]) fail(`${r.key} has no "${header}" header.`);
  }
  if (r.headers["source-topic"] !== trips) fail(`${r.key}'s source-topic header says "${r.headers["source-topic"]}".`);
}
for (const end of ends) {
  const done = committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
  if (Number(end.high) > 0 && done !== end.high)
    fail(`trip-sink committed offset ${done} on partition ${end.partition}, but the partition ends at ${end.high}.`);
}
console.log(`✓ t-2 and t-4 are in the dead-letter topic with their reasons and origins, and trip-sink committed past every record.`);
