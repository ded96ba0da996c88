import { freshTopic, groupId, kafka, wordCount } from "lab";

const input = await freshTopic("restore-lines", { partitions: 3 });
const output = await freshTopic("restore-counts", { partitions: 3 });
const options = { input, output, applicationId: "streams-restore" };

// One reader for the whole run: it prints each count update as it arrives.
const reader = kafka.consumer({ groupId: groupId("streams-restore-reader"), maxWaitTimeInMs: 200 });
await reader.connect();
await reader.subscribe({ topic: output, fromBeginning: true });
const updates: string[] = [];
void reader.run({
  eachMessage: async ({ message }) => {
    updates.push(`${message.key}=${message.value!.readBigInt64BE()}`);
  },
});
const until = async (count: number) => {
  for (const deadline = Date.now() + 15_000; updates.length < count && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 100));
};
const producer = kafka.producer();
await producer.connect();

// The first instance counts three lines, then stops cleanly. Its store lived in memory, so it is gone.
const first = await wordCount({ ...options, reset: true });
await first.running();
await producer.send({
  topic: input,
  messages: ["the log is the truth", "kafka keeps the log", "streams read the log"].map((value) => ({ value })),
});
await until(13);
const firstIds = (await first.transactions()).map((t) => t.id);
await first.stop();
console.log(`first instance: ${updates.length} updates, stopped; restored ${first.restoredRecords} records when it started`);

// A new instance with the same application.id: it rebuilds the store from the changelog before it counts.
const second = await wordCount(options);
await second.running();
console.log(`second instance: restored ${second.restoredRecords} records from ${second.restores[0]?.topic}`);
for (const r of [...second.restores].sort((a, b) => a.partition - b.partition)) {
  console.log(`  partition ${r.partition}: ${r.restored} record${r.restored === 1 ? "" : "s"}, changelog offsets ${r.from} to ${r.to}`);
}

await producer.send({ topic: input, messages: [{ value: "the log goes on" }] });
await until(17);
console.log(`after one more line: ${updates.slice(13).sort().join(" ")}`);

// Each instance had a process id of its own (a random UUID: an in-memory store leaves no state directory to
// keep one in), so a transactional id of its own. The first one's is still known to its coordinator.
const short = (id: string) => id.replace(/-([0-9a-f]{8})-[0-9a-f-]{27}-/, "-$1…-");
const secondIds = (await second.transactions()).map((t) => t.id).filter((id) => !firstIds.includes(id));
console.log(`transactional id of the first instance: ${firstIds.map(short).join(", ")}; of the second: ${secondIds.map(short).join(", ")}`);
await second.stop();
await producer.disconnect();
await reader.disconnect();
