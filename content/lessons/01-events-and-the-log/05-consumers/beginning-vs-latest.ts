import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("news", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
// Five records written before any consumer exists.
await producer.send({ topic, messages: [1, 2, 3, 4, 5].map((i) => ({ value: `old ${i}` })) });

/** Starts a consumer in a brand-new group; resolves once it has fetched at least once (its start position is fixed). */
async function start(label: string, fromBeginning: boolean, seen: string[]) {
  const consumer = kafka.consumer({ groupId: groupId(`news-${label}`), maxWaitTimeInMs: 300 });
  const firstFetch = new Promise<void>((resolve) => consumer.on(consumer.events.FETCH, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning });
  await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
  await firstFetch;
  return consumer;
}

const early: string[] = [];
const late: string[] = [];
const fromStart = await start("from-beginning", true, early);
const fromLatest = await start("from-latest", false, late);

// Both consumers are polling now; two more records arrive.
await producer.send({ topic, messages: [{ value: "new 1" }, { value: "new 2" }] });
await producer.disconnect();

// Pull-based: each consumer fetches when it is ready. Wait until both have caught up (or 10 s pass).
for (let waited = 0; (early.length < 7 || late.length < 2) && waited < 10_000; waited += 100) {
  await new Promise((r) => setTimeout(r, 100));
}
await Promise.all([fromStart.disconnect(), fromLatest.disconnect()]);

console.log(`fromBeginning: true  -> ${early.length} records: ${early.join(", ")}`);
console.log(`fromBeginning: false -> ${late.length} records: ${late.join(", ")}`);
