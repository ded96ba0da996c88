// Check: every payment reached the ledger at least once, and the copier's group committed past all of them.
import { groupId, kafka, readTopic, topic } from "lab";

const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};
const payments = topic("payments");
const ledger = topic("ledger");

const admin = kafka.admin();
await admin.connect();
const [paymentsEnd] = await admin.fetchTopicOffsets(payments);
const [committed] = await admin.fetchOffsets({ groupId: groupId("ledger-copier"), topics: [payments] });
await admin.disconnect();

const copies = (await readTopic(ledger).catch(() => [])).map((r) => r.value ?? "");

// The exercise is about surviving the crash, so it must have happened: the copier notes it in "ledger-crashes".
const crashes = await readTopic(topic("ledger-crashes")).catch(() => []);
if (crashes.length === 0) {
  fail("The copier never crashed, so nothing shows it survives a crash: keep `await copier(6)` and the crash inside eachBatch.");
}

const missing = Array.from({ length: 10 }, (_, i) => `payment-${i}`).filter((p) => !copies.includes(p));
if (missing.length > 0) {
  fail(
    `Lost ${missing.length} payment${missing.length === 1 ? "" : "s"}: ${missing.join(", ")} never reached the ledger. The group committed past ${missing.length === 1 ? "it although it was" : "them although they were"} never copied, so the restarted copier skipped ${missing.length === 1 ? "it" : "them"}.`,
  );
}
const position = Number(committed?.partitions[0]?.offset ?? -1);
if (position < Number(paymentsEnd!.high)) fail(`The copier's group committed offset ${position}, short of ${paymentsEnd!.high}.`);
const duplicates = copies.length - new Set(copies).size;
console.log(`No payment lost: all 10 are in the ledger (${duplicates} duplicated by the replay after the crash).`);
