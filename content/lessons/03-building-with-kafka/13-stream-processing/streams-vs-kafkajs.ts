import { freshTopic, groupId, kafka, topic, wordCount } from "lab";

// One input topic, two word counts: the kafkajs loop from the top of this page, and Kafka Streams.
const input = await freshTopic("compare-lines", { partitions: 3 });
const byKafkajs = await freshTopic("compare-counts-kafkajs", { partitions: 3 });
const byStreams = await freshTopic("compare-counts-streams", { partitions: 3 });
const streams = await wordCount({ input, output: byStreams, applicationId: "compare-streams", reset: true });

const lines = ["the log is the truth", "kafka keeps the log", "streams read the log"];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: input, messages: lines.map((value, i) => ({ key: `line-${i}`, value })) });

// The kafkajs word count, as in the first snippet: state in a Map, counts written as text.
const counts = new Map<string, number>();
const processor = kafka.consumer({ groupId: groupId("compare-kafkajs") });
await processor.connect();
await processor.subscribe({ topic: input, fromBeginning: true });
let processed = 0;
await new Promise<void>((resolve) => {
  void processor.run({
    eachMessage: async ({ message }) => {
      const words = String(message.value).toLowerCase().split(/\W+/).filter(Boolean);
      const updates = words.map((word) => {
        counts.set(word, (counts.get(word) ?? 0) + 1);
        return { key: word, value: String(counts.get(word)) };
      });
      await producer.send({ topic: byKafkajs, messages: updates });
      if (++processed === lines.length) resolve();
    },
  });
});
await processor.disconnect();
await producer.disconnect();
await streams.running();

// Read both outputs; each record as word → count, in offset order per partition.
type Update = { partition: number; word: string; count: number; bytes: number };
const outputs = new Map<string, Update[]>([
  [byKafkajs, []],
  [byStreams, []],
]);
const reader = kafka.consumer({ groupId: groupId("compare-reader"), maxWaitTimeInMs: 200 });
await reader.connect();
await reader.subscribe({ topics: [...outputs.keys()], fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000); // never wait forever
  void reader.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      const value = message.value!;
      const count = from === byStreams ? Number(value.readBigInt64BE()) : Number(String(value));
      outputs.get(from)!.push({ partition, word: String(message.key), count, bytes: value.length });
      if ([...outputs.values()].every((updates) => updates.length >= 13)) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await reader.disconnect();

const mine = outputs.get(byKafkajs)!;
const theirs = outputs.get(byStreams)!;
const last = (updates: Update[]) => updates.filter((u) => u.word === "the").at(-1);
console.log(`kafkajs: ${mine.length} updates, values as text: "the" ends at ${last(mine)?.count} (${last(mine)?.bytes} byte)`);
console.log(
  `Kafka Streams: ${theirs.length} updates, values as longs: "the" ends at ${last(theirs)?.count} (${last(theirs)?.bytes} bytes)`,
);

// Per word: the same sequence of counts, in the same partition (both hash the key with murmur2).
const perWord = (updates: Update[]) => {
  const words = new Map<string, string>();
  for (const u of updates) words.set(u.word, `${words.has(u.word) ? `${words.get(u.word)},` : `p${u.partition}:`}${u.count}`);
  return words;
};
const a = perWord(mine);
const b = perWord(theirs);
const same = [...a.keys()].filter((word) => a.get(word) === b.get(word));
const sorted = [...a].sort(([x], [y]) => x.localeCompare(y));
console.log(`same counts in the same partition for ${same.length} of ${a.size} words: ${sorted.map(([w, s]) => `${w} ${s}`).join("; ")}`);

// What each left on the cluster besides the two topics it shares.
const admin = kafka.admin();
await admin.connect();
const names = (await admin.listTopics()).filter((t) => t.startsWith(topic("compare-streams-"))).sort();
await admin.disconnect();
console.log(
  `kafkajs made no topics of its own; Kafka Streams made ${names.length}: ${names.map((t) => t.slice(topic("").length)).join(", ")}`,
);
await streams.stop();
