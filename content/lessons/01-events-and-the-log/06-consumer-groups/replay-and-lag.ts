import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("payments", { partitions: 3 });
const producer = kafka.producer();
await producer.connect();
const send = (from: number, count: number) =>
  producer.send({
    topic,
    messages: Array.from({ length: count }, (_, i) => ({ key: `account-${(from + i) % 4}`, value: `payment ${from + i}` })),
  });

/** Reads `count` records in group `name` from its committed position (or the beginning), commits, leaves. */
async function readAs(name: string, count: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: groupId(name), maxWaitTimeInMs: 300 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let read = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void consumer.run({
      eachMessage: async () => {
        if (++read === count) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect(); // commits the offsets it has processed on the way out
  return read;
}

/** Lag = the high watermark (the end of what can be read) minus the group's committed offset, per partition. */
async function lagOf(name: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId: groupId(name), topics: [topic] });
  await admin.disconnect();
  let total = 0;
  for (const end of ends.sort((a, b) => a.partition - b.partition)) {
    const at = Number(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
    const lag = Number(end.high) - Math.max(at, 0);
    console.log(`  ${name} partition ${end.partition}: committed ${at}, high watermark ${end.high}, lag ${lag}`);
    total += lag;
  }
  return total;
}

await send(0, 9);
console.log(`billing read ${await readAs("billing", 9)} records`);
await send(9, 6);
console.log(`billing total lag: ${await lagOf("billing")}`);

// A second group has its own offsets: it reads the whole topic, whatever billing did.
console.log(`audit read ${await readAs("audit", 15)} records`);
console.log(`audit total lag: ${await lagOf("audit")}`);
await producer.disconnect();
