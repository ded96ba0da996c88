// Reads invoices and invoices-rebilled from the cluster and compares them by event time.
import { readTopic, topic } from "lab";

const invoices = topic("invoices");
const rebilled = topic("invoices-rebilled");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const rows = new Map<string, { invoice: string; hour: number; timestamp: number }[]>();
for (const name of [invoices, rebilled]) {
  const values = (await readTopic(name)).map((r) => ({
    ...(JSON.parse(String(r.value)) as { invoice: string; hour: number }),
    timestamp: r.timestamp,
  }));
  rows.set(name, values);
}

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
