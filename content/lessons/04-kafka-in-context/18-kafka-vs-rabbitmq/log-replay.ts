import { freshTopic, groupId, kafka } from "lab";

const events = await freshTopic("shop-events", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: events, messages: ["cart", "checkout", "paid", "packed", "shipped"].map((value) => ({ key: "o-1", value })) });
await producer.disconnect();

/** Reads the topic as group `name` until it has seen `expected` records (or 8 s pass), then leaves. */
async function readAs(name: string, expected: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: groupId(name) });
  await consumer.connect();
  await consumer.subscribe({ topic: events, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 8000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
        if (seen.length === expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect(); // commits the group's position on the way out
  return seen;
}

// Two groups at once: each gets every record, independently.
const [billing, analytics] = await Promise.all([readAs("billing", 5), readAs("analytics", 5)]);
console.log(`billing reads:   ${billing.join(", ")}`);
console.log(`analytics reads: ${analytics.join(", ")}  (a second group gets every record too)`);

// Consuming deleted nothing. Rewind billing's committed offset and it reads the same records again.
const admin = kafka.admin();
await admin.connect();
// kafkajs commits a marker meaning "earliest"; billing's next consumer resolves it to the log start.
await admin.resetOffsets({ groupId: groupId("billing"), topic: events, earliest: true });
const [p0] = await admin.fetchTopicOffsets(events);
await admin.disconnect();
console.log(`the log still holds offsets ${p0!.low} to ${Number(p0!.high) - 1}; billing rewound to the start`);
console.log(`billing replays: ${(await readAs("billing", 5)).join(", ")}`);
