// Check: started as deployed (group "dashboard", fromBeginning: true), the dashboard reads the 5 new clicks and
// none of the 10 old ones. The dashboard runs here, not in the learner's file, so only the committed offsets the
// learner left behind decide where it starts.
import { groupId, kafka, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const clicks = topic("clicks");
const group = groupId("dashboard");

const admin = kafka.admin();
await admin.connect();
const ends = (await admin.fetchTopicOffsets(clicks).catch(() => [])).sort((a, b) => a.partition - b.partition);
const backlog = ends.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
const [committed] = await admin.fetchOffsets({ groupId: group, topics: [clicks] }).catch(() => []);
await admin.disconnect();
if (ends.length !== 3 || backlog !== 10) fail('"clicks" should hold the backlog of 10 old clicks: keep the setup as it is and run again.');

const at = ends.map((p) => Number(committed?.partitions.find((c) => c.partition === p.partition)?.offset ?? -1));
const list = at.join(", ");

// The dashboard, as deployed.
const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 });
const joined = new Promise((resolve) => consumer.on(consumer.events.GROUP_JOIN, resolve));
await consumer.connect();
await consumer.subscribe({ topic: clicks, fromBeginning: true });
const seen: string[] = [];
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      seen.push(message.value?.toString() ?? "");
      if (seen.filter((v) => v.startsWith("new")).length === 5) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
  void joined.then(async () => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: clicks, messages: Array.from({ length: 5 }, (_, i) => ({ value: `new click ${i}` })) });
    await producer.disconnect();
  });
});
await consumer.disconnect();

const old = seen.filter((v) => v.startsWith("old")).length;
const fresh = seen.filter((v) => v.startsWith("new")).length;
if (old > 0) {
  if (at.every((o) => o < 0)) {
    fail(
      `The dashboard read ${old} old clicks. Group "dashboard" had no real committed offsets (${list}: a negative offset means none, and -1 or -2 is all admin.resetOffsets stores). A kafkajs consumer then falls back on its fromBeginning, which is true here. Commit real offsets with admin.setOffsets.`,
    );
  }
  if (at.every((o) => o === 0)) {
    fail(
      `The dashboard read ${old} old clicks: group "dashboard" still resumed at offset 0 in every partition. Its own committed offsets must move (moving another group's does not help).`,
    );
  }
  fail(
    `The dashboard read ${old} old clicks: group "dashboard" resumed at ${list}, but the partitions end at ${ends.map((p) => p.high).join(", ")}. Commit each partition's high watermark (high), the end of the partition, not the offset of its last record.`,
  );
}
if (fresh < 5) fail(`The dashboard read ${fresh} of the 5 new clicks.`);
console.log(`Started at ${list}, the dashboard skipped the backlog and read all 5 new clicks.`);
