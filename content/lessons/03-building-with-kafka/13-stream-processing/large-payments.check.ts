// Reads card-payments and large-payments from the cluster and compares them.
import { groupId, kafka, topic } from "lab";

interface Row {
  key: string | null;
  partition: number;
  value: { id: string; account: string; amount: number };
}

/** Reads every record of the given topics with one throwaway consumer. */
async function readTopics(names: string[]): Promise<Map<string, Row[]>> {
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  for (const name of names) for (const p of await admin.fetchTopicOffsets(name)) expected += Number(p.high) - Number(p.low);
  await admin.disconnect();
  const rows = new Map<string, Row[]>(names.map((name) => [name, []]));
  if (expected === 0) return rows;
  const consumer = kafka.consumer({ groupId: groupId("large-payments-check") });
  await consumer.connect();
  await consumer.subscribe({ topics: names, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic: name, partition, message }) => {
        rows.get(name)!.push({ key: message.key?.toString() ?? null, partition, value: JSON.parse(String(message.value)) });
        if (++seen === expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return rows;
}

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const topics = await readTopics([topic("card-payments"), topic("large-payments")]);
const input = topics.get(topic("card-payments"))!;
const output = topics.get(topic("large-payments"))!;
const wanted = input
  .filter((r) => r.value.amount >= 100)
  .map((r) => r.value.id)
  .sort();
const got = output.map((r) => r.value.id).sort();

if (got.join() !== wanted.join()) fail(`large-payments holds [${got.join(", ")}] but should hold exactly [${wanted.join(", ")}].`);
for (const row of output) {
  if (row.key !== row.value.account)
    fail(`${row.value.id} has key ${row.key ?? "null"}; keep the account ("${row.value.account}") as the key.`);
  const source = input.find((r) => r.value.id === row.value.id);
  if (source && source.partition !== row.partition) fail(`${row.value.id} moved from partition ${source.partition} to ${row.partition}.`);
}
console.log(`✓ large-payments holds the ${got.length} payments of 100 or more, keyed by account, in their accounts' partitions.`);
