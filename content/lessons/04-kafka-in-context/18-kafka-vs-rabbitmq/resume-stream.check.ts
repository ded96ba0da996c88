// Reads the session's own RabbitMQ state after the program: the ledger stream itself (from its first offset),
// audit-report (what was audited) and audit-log (every delivery the audit service was handed, by pass). The
// report says whether each entry was audited exactly once; the log says where the second run attached, so skipping
// old entries in code is told apart from attaching at the right offset. Nothing is removed from any queue.
import amqp, { type Channel } from "amqplib";
import { amqpUrl, sleep } from "lab";

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const connection = await amqp.connect(amqpUrl());
/** Runs one operation on a fresh channel: a missing queue closes the channel it was asked on. */
async function onChannel<T>(use: (channel: Channel) => Promise<T>): Promise<T | undefined> {
  const channel = await connection.createChannel();
  channel.on("error", () => {});
  try {
    const result = await use(channel);
    await channel.close();
    return result;
  } catch {
    return undefined;
  }
}
/** Every message in a classic queue, read without acking: closing the channel puts them all back. */
const peek = (queue: string) =>
  onChannel(async (c) => {
    const found: string[] = [];
    for (let msg = await c.get(queue); msg; msg = await c.get(queue)) found.push(msg.content.toString());
    return found;
  });

const ledger = await onChannel(async (c) => {
  await c.checkQueue("ledger");
  await c.prefetch(100);
  const entries: { entry: string; offset: number }[] = [];
  await c.consume(
    "ledger",
    (msg) => {
      if (!msg) return;
      entries.push({ entry: msg.content.toString(), offset: Number(msg.properties.headers?.["x-stream-offset"]) });
      c.ack(msg);
    },
    { arguments: { "x-stream-offset": "first" } },
  );
  for (let waited = 0; entries.length < 20 && waited < 4000; waited += 100) await sleep(100);
  await sleep(200); // anything beyond twenty
  return entries;
});
const report = await peek("audit-report");
const log = (await peek("audit-log"))?.map((line) => JSON.parse(line) as { pass: number; offset: number });
await connection.close();
if (!ledger || !report || !log) fail("the queues ledger, audit-log and audit-report are missing: run the whole program.");
if (ledger.length !== 20 || ledger.some((e) => e.entry !== `entry-${e.offset}`))
  fail(
    `the ledger stream should hold entry-0 to entry-19 at offsets 0 to 19, and holds ${ledger.length} entries: keep the setup as it is.`,
  );

/** entry ids as a short phrase: "entry-11", or "entry-0 to entry-11 (12 entries)" for a run of them. */
const phrase = (ids: string[]) => (ids.length <= 3 ? ids.join(", ") : `${ids[0]} to ${ids[ids.length - 1]} (${ids.length} entries)`);
const firstPass = log.filter((e) => e.pass === 1).map((e) => e.offset);
if (firstPass.length !== 12 || firstPass.some((offset, i) => offset !== i))
  fail("audit-log does not show the first run reading offsets 0 to 11. Keep the first run and runAudit as they are.");
const secondPass = log.filter((e) => e.pass === 2).map((e) => e.offset);

const count = (id: string) => report.filter((r) => r === id).length;
const ids = ledger.map((e) => e.entry);
const twice = ids.filter((id) => count(id) > 1);
const never = ids.filter((id) => count(id) === 0);
const start = secondPass.length ? Math.min(...secondPass) : undefined;
if (twice.length)
  fail(
    `${phrase(twice)} ${twice.length === 1 ? "was" : "were"} audited twice: the second run attached at offset ${start}. The checkpoint, ` +
      `${firstPass.length - 1}, is the last offset the first run finished, so the next run attaches at the offset after it.`,
  );
if (never.length)
  fail(
    `${phrase(never)} ${never.length === 1 ? "was" : "were"} never audited. ` +
      (secondPass.length === 0
        ? 'The second run was handed nothing: "next" attaches at the end of the stream and waits for new entries, but these arrived while the audit service was down. Attach at a number: the offset after the checkpoint.'
        : `The second run attached at offset ${start}; attach at the offset right after the checkpoint.`),
  );
const old = secondPass.filter((offset) => offset <= 11);
if (old.length)
  fail(
    `every entry was audited once, but the second run was handed ${old.length} entries it had audited before (offsets ${Math.min(...old)} ` +
      `to ${Math.max(...old)}) and skipped them in code. Attach at the offset instead, so the broker starts there and never sends them: ` +
      "a stream may hold millions of entries before the checkpoint.",
  );
if (secondPass.length !== 8 || secondPass.some((offset, i) => offset !== 12 + i))
  fail(`the second run was handed offsets [${secondPass.join(", ")}]; attached right after the checkpoint it gets 12 to 19, once each.`);
console.log(
  "✓ The second run attached at offset 12, right after its checkpoint: the broker handed it entry-12 to entry-19, each was audited once, " +
    "and nothing it had audited before came back.",
);
