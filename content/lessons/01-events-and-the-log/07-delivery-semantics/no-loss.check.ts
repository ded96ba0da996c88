// Check: every payment reached the ledger at least once, and the copier's group committed past all of them.
import { groupId, kafka, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const payments = topic("payments");
const ledger = topic("ledger");

const admin = kafka.admin();
await admin.connect();
const [paymentsEnd] = await admin.fetchTopicOffsets(payments);
const [ledgerEnd] = await admin.fetchTopicOffsets(ledger).catch(() => []);
const [committed] = await admin.fetchOffsets({ groupId: groupId("ledger-copier"), topics: [payments] });
await admin.disconnect();

const expected = ledgerEnd ? Number(ledgerEnd.high) - Number(ledgerEnd.low) : 0;
const copies: string[] = [];
if (expected > 0) {
  const consumer = kafka.consumer({ groupId: groupId(`check-${Date.now()}`), maxWaitTimeInMs: 300 });
  await consumer.connect();
  await consumer.subscribe({ topic: ledger, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 15_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        copies.push(message.value?.toString() ?? "");
        if (copies.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
}

const missing = Array.from({ length: 10 }, (_, i) => `payment-${i}`).filter((p) => !copies.includes(p));
if (missing.length > 0) fail(`Lost ${missing.length} payments: ${missing.join(", ")} never reached the ledger.`);
const position = Number(committed?.partitions[0]?.offset ?? -1);
if (position < Number(paymentsEnd!.high)) fail(`The copier's group committed offset ${position}, short of ${paymentsEnd!.high}.`);
const duplicates = copies.length - new Set(copies).size;
console.log(`No payment lost: all 10 are in the ledger (${duplicates} duplicated by the replay after the crash).`);
