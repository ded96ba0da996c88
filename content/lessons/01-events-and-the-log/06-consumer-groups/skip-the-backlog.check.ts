// Check: the "dashboard" group saw the 5 new clicks and none of the 10 old ones.
import { groupId, kafka, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const seen = topic("dashboard-seen");

const admin = kafka.admin();
await admin.connect();
const [end] = await admin.fetchTopicOffsets(seen).catch(() => []);
await admin.disconnect();
const expected = end ? Number(end.high) - Number(end.low) : 0;
if (expected === 0) fail("The dashboard group read nothing at all.");

const values: string[] = [];
const group = groupId(`check-${Date.now()}`);
const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 300 });
await consumer.connect();
await consumer.subscribe({ topic: seen, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      values.push(message.value?.toString() ?? "");
      if (values.length >= expected) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

const old = values.filter((v) => v.startsWith("old")).length;
const fresh = values.filter((v) => v.startsWith("new")).length;
if (old > 0) fail(`The dashboard group read ${old} old clicks from the backlog; it should start at the end of the topic.`);
if (fresh < 5) fail(`The dashboard group read ${fresh} of the 5 new clicks.`);
console.log("The dashboard group skipped the backlog and read all 5 new clicks.");
