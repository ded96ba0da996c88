import { freshTopic, groupId, kafka, readTopic, sleep } from "lab";

// The drill: a producer and a consumer run for 20 s on a one-partition topic while you stop its leader's broker.
const ACKS: number = 1; // drill-acks-all.ts is the same program with ACKS = -1
const label = ACKS === -1 ? "all" : String(ACKS);
const topic = await freshTopic("drill", { partitions: 1 });

const admin = kafka.admin();
await admin.connect();
const leaderNow = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions[0]!.leader;
const firstLeader = await leaderNow();
console.log(
  `acks=${label}: partition 0 is led by broker ${firstLeader}. Stop broker ${firstLeader} in the panel now, then start it again.`,
);

// The consumer reads everything from the start and remembers which sequence numbers it saw, and how often.
const seen = new Map<number, number>();
const consumer = kafka.consumer({ groupId: groupId(`drill-acks-${label}`) });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
await consumer.run({
  eachMessage: async ({ message }) => {
    const n = Number(message.value);
    seen.set(n, (seen.get(n) ?? 0) + 1);
  },
});

// The producer writes numbered records, one at a time, and keeps track of what the cluster acknowledged.
const producer = kafka.producer();
await producer.connect();
const acknowledged = new Set<number>();
let failed = 0;
let lastLeader = firstLeader;
const started = Date.now();
for (let n = 0; Date.now() - started < 20_000; n++) {
  try {
    await producer.send({ topic, acks: ACKS, timeout: 5000, messages: [{ value: String(n) }] });
    acknowledged.add(n);
  } catch {
    failed++; // the producer knows these did not make it: a real application would retry or alert
  }
  if (n % 10 === 0) {
    const leader = await leaderNow().catch(() => lastLeader);
    if (leader !== lastLeader)
      console.log(`${((Date.now() - started) / 1000).toFixed(1)} s: leader moved from broker ${lastLeader} to broker ${leader}`);
    lastLeader = leader;
  }
  await sleep(20);
}
await producer.disconnect();

// What the log holds now, read afresh from the beginning: this, not the drill's consumer, decides what was lost.
const log = await readTopic(topic);
const inLog = new Map<number, number>();
for (const record of log) inLog.set(Number(record.value), (inLog.get(Number(record.value)) ?? 0) + 1);

// Give the drill's consumer a few seconds to reach the end of the log too (redeliveries do not count).
for (let waited = 0; waited < 8000 && seen.size < inLog.size; waited += 250) await sleep(250);
await consumer.disconnect();
await admin.disconnect();

const lost = [...acknowledged].filter((n) => !inLog.has(n));
const writtenTwice = log.length - inLog.size;
// A redelivery is a record the consumer got more often than the log holds it.
const redelivered = [...seen].filter(([n, count]) => count > (inLog.get(n) ?? 0)).length;
console.log(
  `acks=${label}: acknowledged ${acknowledged.size}, failed ${failed}, read ${seen.size} distinct, log holds ${log.length} records`,
);
console.log(
  `acks=${label}: lost ${lost.length} acknowledged records${lost.length ? ` (e.g. ${lost.slice(0, 5).join(", ")})` : ""}, ` +
    `${writtenTwice} written twice in the log, ${redelivered} redelivered to the consumer`,
);
