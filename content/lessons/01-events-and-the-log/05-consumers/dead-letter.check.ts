// Check: the poison pill is in "readings-dlq", and group "reading-processor" committed past every record.
import { groupId, kafka, readTopic, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const readings = topic("readings");
const dlq = topic("readings-dlq");

const admin = kafka.admin();
await admin.connect();
const [end] = await admin.fetchTopicOffsets(readings);
const [committed] = await admin.fetchOffsets({ groupId: groupId("reading-processor"), topics: [readings] });
await admin.disconnect();

// The setup must still be there: ten readings, with the record that is not JSON at offset 4.
const source = await readTopic(readings).catch(() => []);
if (source.length !== 10 || source[4]?.value !== "celsius=20.25") {
  fail('"readings" should hold the ten readings with "celsius=20.25" at offset 4; keep the setup as it is and run again.');
}

const letters = await readTopic(dlq).catch(() => []);
const dlqCount = letters.length;
if (dlqCount === 0) fail('"readings-dlq" is empty: the bad record was never set aside.');
if (dlqCount > 1) fail(`"readings-dlq" holds ${dlqCount} records; only the one bad record belongs there.`);

const position = committed?.partitions.find((p) => p.partition === 0)?.offset ?? "-1";
if (Number(position) < Number(end!.high)) {
  fail(
    `Group "reading-processor" committed offset ${position} of ${end!.high}: it stopped before the end of "readings". Did the error still escape from eachMessage?`,
  );
}

// Finally, look at the dead letter itself.
const value = letters[0]?.value ?? "";
if (value !== "celsius=20.25") fail(`The dead letter holds "${value}", not the bad record "celsius=20.25".`);
console.log(`The bad record is in "readings-dlq" and the group committed offset ${position}: it read past it.`);
