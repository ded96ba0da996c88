import { freshTopic, groupId, kafka, topic, wordCount } from "lab";

const input = await freshTopic("streams-lines", { partitions: 3 });
const output = await freshTopic("streams-counts", { partitions: 3 });

// A Kafka Streams application in a JVM inside this run: WordCountDemo's topology on this session's topics,
// with processing.guarantee=exactly_once_v2. `reset` deletes what an earlier run left (internal topics, offsets).
const app = await wordCount({ input, output, applicationId: "streams-word-count", reset: true });
console.log(app.topology.text.trim());
const ms = await app.running();
console.log(`state: CREATED → ${app.states.map((s) => s.state).join(" → ")} after ${(ms / 1000).toFixed(1)} s`);
console.log(`tasks: ${app.tasks.map((t) => t.id).join(", ")}`);

const lines = ["the log is the truth", "kafka keeps the log", "streams read the log"];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: input, messages: lines.map((value, i) => ({ key: `line-${i}`, value })) });
await producer.disconnect();

// Read back, with kafkajs, the output and the two topics Streams made for itself.
const [repartition] = app.topology.repartition;
const [changelog] = app.topology.changelog;
const topics = [output, topic(repartition!), topic(changelog!)];
const seen = new Map<string, { partition: number; key: string; value: Buffer }[]>(topics.map((t) => [t, []]));
const reader = kafka.consumer({ groupId: groupId("streams-word-count-reader"), maxWaitTimeInMs: 200 });
await reader.connect();
await reader.subscribe({ topics, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000); // never wait forever
  void reader.run({
    eachMessage: async ({ topic: from, partition, message }) => {
      seen.get(from)!.push({ partition, key: String(message.key), value: message.value! });
      if ([...seen.values()].every((records) => records.length >= 13)) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await reader.disconnect();

// The counts are 8-byte big-endian longs (Serdes.Long), as WordCountDemo writes them, not text.
const counts = seen.get(output)!;
const latest = new Map(counts.map((r) => [r.key, r.value.readBigInt64BE()]));
console.log(`${counts.length} count updates in streams-counts, values of ${counts[0]?.value.length} bytes`);
for (const word of ["the", "log", "kafka"]) console.log(`${word}: ${latest.get(word)}`);

// The repartition topic holds the words re-keyed: key and value are both the word, so one word's records meet
// in one partition, whichever line they came from.
const repartitioned = seen.get(topic(repartition!))!;
const thes = repartitioned.filter((r) => r.key === "the");
const where = [...new Set(thes.map((r) => r.partition))];
console.log(`${repartition}: ${repartitioned.length} records; the ${thes.length} with key "the" all in partition ${where.join(", ")}`);
// The changelog holds every update the store took, in the store's own format: the count as a long.
const logged = seen.get(topic(changelog!))!;
const the = logged.filter((r) => r.key === "the").map((r) => r.value.readBigInt64BE());
console.log(`${changelog}: ${logged.length} records; "the" went ${the.join(", ")}`);

const admin = kafka.admin();
await admin.connect();
const described = await admin.describeConfigs({
  // 2 is ConfigResourceTypes.TOPIC.
  resources: topics.slice(1).map((name) => ({ type: 2, name, configNames: ["cleanup.policy"] })),
  includeSynonyms: false,
});
for (const r of described.resources)
  console.log(`${r.resourceName.slice(topic("").length)}: cleanup.policy=${r.configEntries[0]?.configValue}`);

// exactly_once_v2: the output is written in transactions. Each commit leaves a marker in every partition it wrote,
// an offset that no consumer ever receives.
const ends = await admin.fetchTopicOffsets(output);
await admin.disconnect();
const end = ends.reduce((sum, p) => sum + Number(p.high), 0);
console.log(
  `streams-counts: ${counts.length} records, but its partitions end at offsets ${ends.map((p) => p.high).join(", ")}: ${end - counts.length} offsets hold commit markers`,
);
for (const t of await app.transactions()) console.log(`transactional id ${t.id}: ${t.state}`);

console.log(`stopped in ${await app.stop()} ms`);
