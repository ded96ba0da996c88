import pg from "pg";
import { freshTopic, groupId, kafka, postgresUrl } from "lab";

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

// Your own database on the course's PostgreSQL. Two tables, one written each way.
const db = new pg.Client(postgresUrl());
await db.connect();
await db.query("DROP TABLE IF EXISTS orders_log, orders");
await db.query("CREATE TABLE orders_log (id text, version int, status text)"); // plain INSERT, no key
await db.query("CREATE TABLE orders (id text PRIMARY KEY, version int NOT NULL, status text NOT NULL)");

type Row = { id: string; version: number; status: string };
async function write(row: Row): Promise<void> {
  await db.query("INSERT INTO orders_log VALUES ($1, $2, $3)", [row.id, row.version, row.status]);
  const upsert = await db.query(
    `INSERT INTO orders (id, version, status) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status
     WHERE orders.version < EXCLUDED.version`,
    [row.id, row.version, row.status],
  );
  // rowCount is 0 when the WHERE clause kept the row as it was: a repeat, or a version older than the row's.
  if (upsert.rowCount === 0) console.log(`  upsert skipped ${row.id} v${row.version} (the row already has it or newer)`);
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
        await write(JSON.parse(String(message.value)) as Row);
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

const log = await db.query("SELECT count(*)::int AS n FROM orders_log");
console.log(`plain INSERT: ${log.rows[0].n} rows (duplicates and stale versions)`);
const table = await db.query<Row>("SELECT id, version, status FROM orders ORDER BY id");
console.log(`upsert by id and version: ${table.rowCount} rows`);
for (const row of table.rows) console.log(`  ${row.id} v${row.version} ${row.status}`);
await db.end();
