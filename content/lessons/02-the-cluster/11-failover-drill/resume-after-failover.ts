import { freshTopic, groupId, kafka } from "lab";

// Setup: 60 ledger entries to process, and a topic where processing leaves its effect (one record per entry).
const ledger = await freshTopic("ledger", { partitions: 3 });
const applied = await freshTopic("ledger-applied", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: ledger, messages: Array.from({ length: 60 }, (_, i) => ({ key: `account-${i % 5}`, value: `entry ${i}` })) });

// Processing one entry: apply it to its account (here, write the effect to ledger-applied). Keep this function as
// it is: the consumer's process dies in the middle of applying the 31st entry, and the check counts on that crash.
let applying = 0;
async function apply(entry: string): Promise<void> {
  if (++applying === 31) {
    console.log(`Crashed while applying ${entry}, after ${applying - 1} entries`);
    process.exit(0); // a crash: nothing after this line runs, no commit, no goodbye to the group
  }
  await producer.send({ topic: applied, messages: [{ value: entry }] });
}

const consumer = kafka.consumer({
  groupId: groupId("ledger-readers"),
  sessionTimeout: 6000,
  rebalanceTimeout: 3000,
  heartbeatInterval: 500,
});
await consumer.connect();
await consumer.subscribe({ topic: ledger, fromBeginning: true });

// TODO: this consumer never records its progress in the cluster, so a replacement would start over. Make it
// commit, after applying each entry, the offset of the NEXT record to read in that partition.
await consumer.run({
  autoCommit: false,
  eachMessage: async ({ message }) => {
    await apply(String(message.value));
  },
});
