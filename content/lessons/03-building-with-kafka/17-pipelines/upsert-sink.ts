import { freshTopic, groupId, kafka } from "lab";

// Order snapshots: each carries the order id and a version that grows with every change.
const orders = await freshTopic("order-snapshots", { partitions: 3 });
const producer = kafka.producer();
await producer.connect();
const snapshots = [
  { id: "o-1", version: 1, status: "created" },
  { id: "o-2", version: 1, status: "created" },
  { id: "o-1", version: 2, status: "paid" },
  { id: "o-3", version: 1, status: "created" },
  { id: "o-2", version: 2, status: "cancelled" },
];
// Keyed by order id: all versions of one order are in one partition, in order.
await producer.send({ topic: orders, messages: snapshots.map((s) => ({ key: s.id, value: JSON.stringify(s) })) });
await producer.disconnect();

type Row = { id: string; version: number; status: string };
// Two stand-ins for a table in PostgreSQL, one written each way.
const appendOnly: Row[] = []; // INSERT INTO orders VALUES (...)
const upserted = new Map<string, Row>(); // INSERT ... ON CONFLICT (id) DO UPDATE ... WHERE orders.version < EXCLUDED.version

function write(row: Row): void {
  appendOnly.push(row);
  const current = upserted.get(row.id);
  if (!current || current.version < row.version) upserted.set(row.id, row); // older or repeated versions change nothing
}

/** One run of the sink. `crashBeforeCommit` ends it without committing, as a crash would. */
async function runSink(crashBeforeCommit: boolean): Promise<void> {
  const sink = kafka.consumer({ groupId: groupId("orders-db-sink") });
  await sink.connect();
  await sink.subscribe({ topic: orders, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void sink.run({
      autoCommit: !crashBeforeCommit,
      eachMessage: async ({ message }) => {
        write(JSON.parse(String(message.value)) as Row);
        if (++seen === snapshots.length) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await sink.disconnect();
  console.log(
    `sink run ${crashBeforeCommit ? "1 wrote 5 snapshots and crashed before committing" : "2 re-read them from the last committed offset"}`,
  );
}

await runSink(true);
await runSink(false); // at-least-once: the same five records arrive again

console.log(`plain INSERT: ${appendOnly.length} rows (duplicates and stale versions)`);
console.log(`upsert by id and version: ${upserted.size} rows`);
for (const row of [...upserted.values()].sort((a, b) => a.id.localeCompare(b.id))) console.log(`  ${row.id} v${row.version} ${row.status}`);
