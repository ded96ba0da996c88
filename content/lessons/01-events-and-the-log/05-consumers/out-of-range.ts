import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("sensor-log", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `reading ${i}` })) });

// Two groups that read this partition up to offset 2 some time ago, then went away.
const admin = kafka.admin();
await admin.connect();
for (const name of ["resume-earliest", "resume-latest"]) {
  await admin.setOffsets({ groupId: groupId(name), topic, partitions: [{ partition: 0, offset: "2" }] });
}
// Meanwhile retention removes old records. deleteTopicRecords does by hand what it would do: offsets below 6 go.
await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: "6" }] });
const [watermarks] = await admin.fetchTopicOffsets(topic);
await admin.disconnect();
console.log(`Both groups committed offset 2; the log now starts at ${watermarks!.low} and ends at ${watermarks!.high}`);

/**
 * Starts a consumer of group `name`; resolves once it has fetched three times: the first fetch meets the
 * out-of-range offset, the reset commits the group's default, and the fetches after it read from there.
 */
async function start(name: string, fromBeginning: boolean, firstRead: (offset: string) => void) {
  const consumer = kafka.consumer({ groupId: groupId(name), maxWaitTimeInMs: 300 });
  let fetches = 0;
  const ready = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => ++fetches === 3 && resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  let first = true;
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (first) firstRead(message.offset);
      first = false;
    },
  });
  await ready;
  return consumer;
}

const firsts: Record<string, string> = {};
const early = await start("resume-earliest", true, (offset) => (firsts.early = offset));
const late = await start("resume-latest", false, (offset) => (firsts.late = offset));
// Offset 2 is out of range: each consumer fell back on its fromBeginning setting. One new record arrives.
await producer.send({ topic, messages: [{ value: "reading 10" }] });
await producer.disconnect();
for (let waited = 0; (!firsts.early || !firsts.late) && waited < 15_000; waited += 100) {
  await new Promise((r) => setTimeout(r, 100));
}
await Promise.all([early.disconnect(), late.disconnect()]);

console.log(`fromBeginning: true  -> first record read: offset ${firsts.early ?? "none"}`);
console.log(`fromBeginning: false -> first record read: offset ${firsts.late ?? "none"}`);
