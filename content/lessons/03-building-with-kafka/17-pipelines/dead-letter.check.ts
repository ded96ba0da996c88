// Reads trip-events, trip-events-dlq (with its headers) and the trip-sink group's committed offsets from the
// cluster, and compares each parked record with the source record it came from.
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

const sources = await readTopic(trips);
const records = await readTopic(dlq);
if (records.length !== 2) fail(`trip-events-dlq holds ${records.length} records; the two broken trips (t-2 and t-4) should be there.`);

const keys = records
  .map((r) => String(r.key))
  .sort()
  .join(", ");
if (keys !== "t-2, t-4") fail(`the dead-letter topic holds ${keys}; it should hold t-2 and t-4.`);
for (const r of records) {
  const source = sources.find((s) => s.key === r.key);
  if (!source) fail(`${r.key} is in the dead-letter topic but not in trip-events.`);
  if (r.value !== source.value)
    fail(
      `${r.key} was changed on its way to the dead-letter topic: it holds ${r.value} but trip-events holds ${source.value}. ` +
        "Park the original bytes (message.value), not a re-encoding, so that whoever inspects it sees exactly what the sink received.",
    );
  for (const header of ["error", "source-topic", "source-partition", "source-offset"]) {
    if (!r.headers[header]) fail(`${r.key} has no "${header}" header.`);
  }
  if (r.headers["source-topic"] !== trips)
    fail(`${r.key}'s source-topic header says "${r.headers["source-topic"]}"; use the topic the record came from (${trips}).`);
  if (r.headers["source-partition"] !== String(source.partition))
    fail(
      `${r.key}'s source-partition header says ${r.headers["source-partition"]}, but ${r.key} is in partition ${source.partition} of trip-events. ` +
        "Give the partition the record was read from.",
    );
  if (r.headers["source-offset"] !== String(source.offset))
    fail(
      `${r.key}'s source-offset header says ${r.headers["source-offset"]}, but ${r.key} is at offset ${source.offset} of partition ${source.partition}. ` +
        "Give the record's own offset (message.offset), so that someone can find and replay exactly that record.",
    );
}
for (const end of ends) {
  const done = committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? "-1";
  if (Number(end.high) > 0 && done !== end.high)
    fail(`trip-sink committed offset ${done} on partition ${end.partition}, but the partition ends at ${end.high}.`);
}
console.log(
  `✓ t-2 and t-4 are in the dead-letter topic, byte for byte, with their reasons and exact origins, and trip-sink committed past every record.`,
);
