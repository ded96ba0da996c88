import { freshTopic, groupId, kafka } from "lab";

const input = await freshTopic("text-lines", { partitions: 3 });
const output = await freshTopic("word-counts", { partitions: 3 });

const lines = ["the log is the truth", "kafka keeps the log", "streams read the log"];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: input, messages: lines.map((value, i) => ({ key: `line-${i}`, value })) });

// The processor: consume a line, split it into words, update the running count, produce the new count.
// `counts` is the processor's state. Kafka Streams would keep it in a state store backed by a changelog topic.
const counts = new Map<string, number>();
const processor = kafka.consumer({ groupId: groupId("word-count-app") });
await processor.connect();
await processor.subscribe({ topic: input, fromBeginning: true });

let processed = 0;
await new Promise<void>((resolve) => {
  void processor.run({
    eachMessage: async ({ message }) => {
      const words = String(message.value).toLowerCase().split(/\W+/).filter(Boolean);
      const updates = words.map((word) => {
        const count = (counts.get(word) ?? 0) + 1;
        counts.set(word, count);
        // Keyed by the word: every update for one word lands in one partition, in order.
        return { key: word, value: String(count) };
      });
      await producer.send({ topic: output, messages: updates });
      if (++processed === lines.length) resolve();
    },
  });
});
await processor.disconnect();
console.log(`Processed ${processed} lines`);

// Read the output like any downstream service would: the last value per key is the current count.
const reader = kafka.consumer({ groupId: groupId("word-count-reader") });
await reader.connect();
await reader.subscribe({ topic: output, fromBeginning: true });
const latest = new Map<string, string>();
let updates = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000); // never wait forever
  void reader.run({
    eachMessage: async ({ message }) => {
      latest.set(String(message.key), String(message.value));
      if (++updates === 13) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await reader.disconnect();
await producer.disconnect();

console.log(`${updates} count updates in word-counts`);
for (const [word, count] of [...latest].sort((a, b) => Number(b[1]) - Number(a[1]) || a[0].localeCompare(b[0]))) {
  console.log(`${word}: ${count}`);
}
