import { describeQuorum, freshTopic, kafka, sleep } from "lab";

// The metadata is a log: every change the controller makes is a record appended to __cluster_metadata.
const before = (await describeQuorum()).highWatermark;
await sleep(2000);
const idle = (await describeQuorum()).highWatermark;
// Even an idle controller appends a small no-op record every half second or so, so followers can tell it is alive.
console.log(`Two idle seconds: the metadata log grew by ${idle - before} records`);

// A topic with 12 partitions: a topic record, a record per partition, and one per config override (one here).
// A new name each run, so there is no older topic to delete first.
// freshTopic creates it and waits until every broker has replayed the new records (a broker answers "unknown
// topic" until it has), which adds nothing to the log.
const name = await freshTopic(`metadata-demo-${Date.now()}`, { partitions: 12, configs: { "retention.ms": "3600000" } });
const created = (await describeQuorum()).highWatermark;
console.log(`Creating a 12-partition topic: the log grew by ${created - idle} records, counting any no-ops in between`);

// Deleting is a metadata change too: one more record, and the brokers then remove the partitions' files.
const admin = kafka.admin();
await admin.connect();
await admin.deleteTopics({ topics: [name] });
await admin.disconnect();
const deleted = (await describeQuorum()).highWatermark;
console.log(`Deleting it again: the log grew by ${deleted - created} record${deleted - created === 1n ? "" : "s"}`);
