// Wrong on purpose: automatic commits; the early return at the crash still marks the whole batch as processed.
import { freshTopic, groupId, kafka } from "lab";

// Setup: ten payments to copy into a ledger topic.
const payments = await freshTopic("payments", { partitions: 1 });
const ledger = await freshTopic("ledger", { partitions: 1 });
const crashes = await freshTopic("ledger-crashes", { partitions: 1 }); // the check reads it: the crash must happen
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: payments, messages: Array.from({ length: 10 }, (_, i) => ({ value: `payment-${i}` })) });

/** One run of the copier. With `crashAt`, it dies just before handling that offset. */
async function copier(crashAt?: number): Promise<void> {
  const consumer = kafka.consumer({
    groupId: groupId("ledger-copier"),
    sessionTimeout: 6000,
    rebalanceTimeout: 3000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 300,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: payments, fromBeginning: true });
  await new Promise<void>((resolve) => {
    let crashed = false;
    let idle = setTimeout(resolve, 3000);
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (crashed) return;
        clearTimeout(idle);
        // Let kafkajs commit automatically, after eachBatch returns.
        for (const message of batch.messages) {
          if (Number(message.offset) === crashAt) {
            crashed = true; // crash! Note it for the check, then stop handling anything.
            await producer.send({ topic: crashes, messages: [{ value: `crashed at offset ${message.offset}` }] });
            return resolve();
          }
          await producer.send({ topic: ledger, messages: [{ value: message.value }] });
        }
        idle = setTimeout(resolve, 1000);
      },
    });
  });
  await consumer.disconnect();
}

await copier(6); // crashes while handling offset 6
await copier(); // the restart resumes from the group's committed offset
await producer.disconnect();
console.log("Copier finished (after one crash and a restart)");
