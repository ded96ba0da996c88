// Reads api-orders from the cluster: what the endpoint let through, with which keys, in which partitions.
import { readTopic, topic } from "lab";

const name = topic("api-orders");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const rows = (await readTopic(name)).map((r) => ({
  key: r.key,
  partition: r.partition,
  value: JSON.parse(String(r.value)) as { customer?: unknown; amount?: unknown },
}));

const invalid = rows.filter((r) => typeof r.value.amount !== "number");
if (invalid.length)
  fail(
    `api-orders holds ${invalid.length} order(s) without an amount, e.g. ${JSON.stringify(invalid[0]!.value)}. Refuse them with a 400 before producing.`,
  );
if (rows.length !== 3) fail(`api-orders holds ${rows.length} records; the three valid requests should give exactly 3.`);
for (const row of rows) {
  if (row.key !== row.value.customer) fail(`the order ${JSON.stringify(row.value)} has key ${row.key ?? "null"}; key it by its customer.`);
}
const alice = new Set(rows.filter((r) => r.key === "alice").map((r) => r.partition));
if (alice.size !== 1) fail(`alice's orders are spread over partitions ${[...alice].join(", ")}.`);
console.log(`✓ api-orders holds the 3 valid orders, keyed by customer; both of alice's are in partition ${[...alice][0]}.`);
