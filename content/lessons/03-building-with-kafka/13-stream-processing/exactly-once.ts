import { freshTopic, groupId, kafka, transactionalId } from "lab";

const input = await freshTopic("fx-payments", { partitions: 1 });
const output = await freshTopic("fx-payments-eur", { partitions: 1 });
const app = groupId("fx-converter");

const seed = kafka.producer();
await seed.connect();
await seed.send({
  topic: input,
  messages: [12, 250, 40, 99, 1200, 7].map((usd, i) => ({ key: `acct-${i % 3}`, value: JSON.stringify({ id: i, usd }) })),
});
await seed.disconnect();

// A transactional producer: its writes AND the consumer's offsets commit together, or not at all.
// One fixed transactional id is right for ONE instance of this processor; the next snippet shows why.
const producer = kafka.producer({ transactionalId: transactionalId("fx-converter"), idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const consumer = kafka.consumer({ groupId: app, readUncommitted: false });
await consumer.connect();
await consumer.subscribe({ topic: input, fromBeginning: true });

let crashed = false;
let committed = 0;
await new Promise<void>((resolve) => {
  void consumer.run({
    autoCommit: false, // offsets go into the transaction instead
    eachBatch: async ({ batch }) => {
      const tx = await producer.transaction();
      try {
        await tx.send({
          topic: output,
          messages: batch.messages.map((m) => {
            const { id, usd } = JSON.parse(String(m.value)) as { id: number; usd: number };
            return { key: m.key, value: JSON.stringify({ id, eur: Math.round(usd * 0.92 * 100) / 100 }) };
          }),
        });
        const next = (BigInt(batch.lastOffset()) + 1n).toString();
        await tx.sendOffsets({
          consumerGroupId: app,
          topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: next }] }],
        });
        if (!crashed) {
          crashed = true;
          throw new Error("simulated crash after writing, before commit");
        }
        await tx.commit();
        committed += batch.messages.length;
        console.log(`Committed a transaction with ${batch.messages.length} records and offset ${next}`);
        if (committed >= 6) resolve();
      } catch (error) {
        await tx.abort();
        console.log(`Aborted: ${(error as Error).message}`);
        throw error; // kafkajs retries the batch from the last committed offset
      }
    },
  });
});
await consumer.disconnect();
await producer.disconnect();

// Two readers of the output: read_committed hides the aborted writes, read_uncommitted shows them.
async function countRecords(readUncommitted: boolean): Promise<number> {
  const reader = kafka.consumer({ groupId: groupId(`fx-audit-${readUncommitted ? "uncommitted" : "committed"}`), readUncommitted });
  await reader.connect();
  await reader.subscribe({ topic: output, fromBeginning: true });
  let n = 0;
  await new Promise<void>((resolve) => {
    let quiet = setTimeout(resolve, 6000);
    void reader.run({
      eachMessage: async () => {
        n++;
        clearTimeout(quiet);
        quiet = setTimeout(resolve, 1500); // stop once the topic has gone quiet
      },
    });
  });
  await reader.disconnect();
  return n;
}
const [committedView, uncommittedView] = await Promise.all([countRecords(false), countRecords(true)]);
console.log(`read_committed sees ${committedView} records`);
console.log(`read_uncommitted sees ${uncommittedView} records (the aborted attempt included)`);
