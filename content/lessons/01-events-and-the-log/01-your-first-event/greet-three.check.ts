// Check: topic "greetings" holds a record keyed by each name whose value is "hello, <name>".
import { groupId, kafka, topic } from "lab";

const name = topic("greetings");
const records = await readAll(name);
const fail = (reason: string) => {
  console.log(reason);
  process.exit(1);
};

if (records.length === 0) fail('Topic "greetings" is empty: no record reached the brokers. Did you call producer.send?');
for (const person of ["ada", "grace", "linus"]) {
  const found = records.find((r) => r.key === person);
  if (!found) fail(`No record with key "${person}" in "greetings" (found keys: ${records.map((r) => r.key).join(", ")}).`);
  if (found!.value !== `hello, ${person}`) fail(`The record keyed "${person}" has value "${found!.value}", expected "hello, ${person}".`);
}
console.log(`"greetings" holds ${records.length} records, one greeting for each person.`);

/** Every record currently in the topic, read with a throwaway group that commits nothing. */
async function readAll(t: string): Promise<{ partition: number; key: string; value: string }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(t).catch(() => []);
  const expected = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  const out: { partition: number; key: string; value: string }[] = [];
  if (expected > 0) {
    const group = groupId(`check-${Date.now()}`);
    const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
    await consumer.connect();
    await consumer.subscribe({ topic: t, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 15_000);
      void consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          out.push({ partition, key: message.key?.toString() ?? "", value: message.value?.toString() ?? "" });
          if (out.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
    await consumer.disconnect();
    await admin.deleteGroups([group]).catch(() => undefined);
  }
  await admin.disconnect();
  return out;
}
