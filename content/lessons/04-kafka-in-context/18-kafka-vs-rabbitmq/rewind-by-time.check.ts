// Reads invoices and invoices-rebilled from the cluster and compares them by event time.
import { groupId, kafka, topic } from "lab";

const invoices = topic("invoices");
const rebilled = topic("invoices-rebilled");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
let total = 0;
for (const name of [invoices, rebilled]) for (const p of await admin.fetchTopicOffsets(name)) total += Number(p.high);
await admin.disconnect();

const rows = new Map<string, { invoice: string; hour: number; timestamp: number }[]>([
  [invoices, []],
  [rebilled, []],
]);
const consumer = kafka.consumer({ groupId: groupId("rewind-check") });
await consumer.connect();
await consumer.subscribe({ topics: [invoices, rebilled], fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ topic: name, message }) => {
      rows
        .get(name)!
        .push({ ...(JSON.parse(String(message.value)) as { invoice: string; hour: number }), timestamp: Number(message.timestamp) });
      if (++seen === total) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

const source = rows.get(invoices)!;
const deploy = source.find((r) => r.hour === 6)?.timestamp;
if (deploy === undefined) fail("invoices does not hold the twelve invoices; run the whole program.");
const wanted = source
  .filter((r) => r.timestamp >= deploy)
  .map((r) => r.invoice)
  .sort();
const got = rows
  .get(rebilled)!
  .map((r) => r.invoice)
  .sort();
const extra = got.filter((i) => !wanted.includes(i));
const missing = wanted.filter((i) => !got.includes(i));
if (extra.length) fail(`${extra.join(", ")} were billed again although they predate the bug.`);
if (missing.length) fail(`${missing.join(", ")} were not billed again.`);
if (got.length !== wanted.length) fail(`some invoices were re-billed more than once: [${got.join(", ")}].`);
console.log(`✓ Exactly the ${wanted.length} invoices stamped at or after the deploy were re-billed, and nothing before it.`);
