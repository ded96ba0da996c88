import { freshTopic, groupId, kafka } from "lab";

const topic = await freshTopic("payments", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `payment-${i}` })) });
await producer.disconnect();

type Strategy = "at-most-once" | "at-least-once";

/**
 * One consumer "process". It commits by hand, before or after processing a batch. With `crashAt`, it dies
 * just before processing that offset: it stops without running another line, as a crashed process would.
 */
async function consume(strategy: Strategy, processed: string[], crashAt?: number): Promise<void> {
  const consumer = kafka.consumer({
    groupId: groupId(`payments-${strategy}`),
    // Short timeouts: if a run is killed, its stale member is dropped from the group within seconds.
    sessionTimeout: 6000,
    rebalanceTimeout: 3000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 300,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve) => {
    let crashed = false;
    let idle = setTimeout(resolve, 3000); // nothing to read for 3 s: caught up
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        if (crashed) return; // a dead process handles nothing
        clearTimeout(idle);
        const commit = () =>
          consumer.commitOffsets([{ topic, partition: batch.partition, offset: String(Number(batch.lastOffset()) + 1) }]);
        if (strategy === "at-most-once") await commit(); // commit first, then process
        for (const message of batch.messages) {
          if (Number(message.offset) === crashAt) {
            crashed = true; // crash!
            return resolve();
          }
          processed.push(message.value!.toString()); // "process" = record that we handled it
        }
        if (strategy === "at-least-once") await commit(); // process first, then commit
        idle = setTimeout(resolve, 1000);
      },
    });
  });
  await consumer.disconnect();
}

for (const strategy of ["at-most-once", "at-least-once"] as const) {
  const processed: string[] = [];
  await consume(strategy, processed, 6); // first run crashes in the middle of the batch
  await consume(strategy, processed); // the restarted consumer resumes from the committed offset
  const distinct = new Set(processed);
  console.log(
    `${strategy}: 10 records, processed ${processed.length} times, lost ${10 - distinct.size}, duplicated ${processed.length - distinct.size}`,
  );
}
