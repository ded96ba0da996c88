// Check: the poison pill is in "readings-dlq", and group "reading-processor" committed past every record.
import { groupId, kafka, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const readings = topic("readings");
const dlq = topic("readings-dlq");

const admin = kafka.admin();
await admin.connect();
const [end] = await admin.fetchTopicOffsets(readings);
const [dlqEnd] = await admin.fetchTopicOffsets(dlq).catch(() => []);
const [committed] = await admin.fetchOffsets({ groupId: groupId("reading-processor"), topics: [readings] });
await admin.disconnect();

const dlqCount = dlqEnd ? Number(dlqEnd.high) - Number(dlqEnd.low) : 0;
if (dlqCount === 0) fail('"readings-dlq" is empty: the bad record was never set aside.');
if (dlqCount > 1) fail(`"readings-dlq" holds ${dlqCount} records; only the one bad record belongs there.`);

const position = committed?.partitions.find((p) => p.partition === 0)?.offset ?? "-1";
if (Number(position) < Number(end!.high)) {
  fail(`Group "reading-processor" committed offset ${position} of ${end!.high}: it stopped before the end of "readings".`);
}

// Finally, read the dead letter itself.
const group = groupId(`check-${Date.now()}`);
const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 });
await consumer.connect();
await consumer.subscribe({ topic: dlq, fromBeginning: true });
const value = await new Promise<string>((resolve) => {
  const timer = setTimeout(() => resolve(""), 15_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      clearTimeout(timer);
      resolve(message.value?.toString() ?? "");
    },
  });
});
await consumer.disconnect();
if (value !== "celsius=20.25") fail(`The dead letter holds "${value}", not the bad record "celsius=20.25".`);
console.log(`The bad record is in "readings-dlq" and the group committed offset ${position}: it read past it.`);
