import { freshTopic, groupId, kafka, transactionalId } from "lab";

const topic = await freshTopic("transfers", { partitions: 1 });

// A transactional producer is idempotent, and its writes become visible all together or not at all.
const producer = kafka.producer({ transactionalId: transactionalId("transfers-writer"), idempotent: true, maxInFlightRequests: 1 });
await producer.connect();

const committed = await producer.transaction();
await committed.send({ topic, messages: [{ value: "debit alice 50" }, { value: "credit bob 50" }] });
await committed.commit();

const aborted = await producer.transaction();
await aborted.send({ topic, messages: [{ value: "debit carol 999" }, { value: "credit dave 999" }] });
await aborted.abort(); // something went wrong: neither half of this transfer may be seen
await producer.disconnect();

/** Reads the topic to its end with the given isolation level. */
async function readAll(readUncommitted: boolean): Promise<string[]> {
  const label = readUncommitted ? "read-uncommitted" : "read-committed";
  const consumer = kafka.consumer({ groupId: groupId(`transfers-${label}`), readUncommitted, maxWaitTimeInMs: 300 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 8000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        values.push(...batch.messages.map((m) => m.value!.toString()));
        // The log also holds commit/abort markers, so "the end" is the high watermark, not a record count.
        if (Number(batch.lastOffset()) + 1 >= Number(batch.highWatermark)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return values;
}

console.log(`read_uncommitted sees: ${(await readAll(true)).join(" | ")}`);
console.log(`read_committed sees:   ${(await readAll(false)).join(" | ")}`);
