// Reads card-payments and large-payments from the cluster and compares them.
import { readTopic, topic } from "lab";

interface Row {
  key: string | null;
  partition: number;
  value: { id: string; account: string; amount: number };
}

/** Reads every record of a topic, its value parsed as JSON. */
async function rowsOf(name: string): Promise<Row[]> {
  return (await readTopic(topic(name))).map((r) => ({ key: r.key, partition: r.partition, value: JSON.parse(String(r.value)) }));
}

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const input = await rowsOf("card-payments");
const output = await rowsOf("large-payments");
const wanted = input
  .filter((r) => r.value.amount >= 100)
  .map((r) => r.value.id)
  .sort();
const got = output.map((r) => r.value.id).sort();

const amount = (id: string) => input.find((r) => r.value.id === id)?.value.amount;
const missing = wanted.filter((id) => !got.includes(id));
const extra = got.filter((id) => !wanted.includes(id));
const twice = got.filter((id, i) => got.indexOf(id) !== i);
if (missing.length || extra.length || twice.length) {
  const problems = [
    missing.length && `${missing.map((id) => `${id} (${amount(id)})`).join(", ")} should have been forwarded: 100 or more counts as large`,
    extra.length && `${extra.map((id) => `${id} (${amount(id)})`).join(", ")} should not be there: below 100`,
    twice.length && `${[...new Set(twice)].join(", ")} came more than once`,
  ].filter(Boolean);
  fail(`large-payments holds [${got.join(", ")}] but should hold exactly [${wanted.join(", ")}]: ${problems.join("; ")}.`);
}
for (const row of output) {
  if (row.key !== row.value.account)
    fail(
      `${row.value.id} has key ${row.key ?? "null"}; keep the account ("${row.value.account}") as the key, so that one account's payments stay in one partition, in order.`,
    );
  const source = input.find((r) => r.value.id === row.value.id);
  if (source && source.partition !== row.partition) fail(`${row.value.id} moved from partition ${source.partition} to ${row.partition}.`);
}
console.log(`✓ large-payments holds the ${got.length} payments of 100 or more, keyed by account, in their accounts' partitions.`);
