import amqp from "amqplib";
import { amqpUrl, sleep } from "lab";

const connection = await amqp.connect(amqpUrl());
const channel = await connection.createConfirmChannel();
for (const queue of ["ledger", "audit-log", "audit-report"]) await channel.deleteQueue(queue); // start clean on every run
await channel.assertQueue("ledger", { durable: true, arguments: { "x-queue-type": "stream" } });
await channel.assertQueue("audit-log", { durable: true });
await channel.assertQueue("audit-report", { durable: true });

/** Appends ledger entries `from` to `to` (inclusive) to the stream; entry-n lands at offset n. */
async function append(from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) channel.sendToQueue("ledger", Buffer.from(`entry-${n}`));
  await channel.waitForConfirms();
}

/**
 * Runs the audit service once: attaches to the ledger at `offset` and hands each entry to `onEntry` until none has
 * come for a second. Like a real service it logs every delivery (pass and offset) to audit-log, which is how the
 * check sees where it attached. Returns the offset of the last entry it was handed, or undefined.
 */
async function runAudit(
  pass: number,
  offset: "first" | "next" | number,
  onEntry: (entry: string, offset: number) => Promise<void>,
): Promise<number | undefined> {
  const reader = await connection.createChannel();
  await reader.prefetch(50);
  let last: number | undefined;
  let idleSince = Date.now();
  let work = Promise.resolve();
  const { consumerTag } = await reader.consume(
    "ledger",
    (msg) => {
      if (!msg) return;
      const at = Number(msg.properties.headers?.["x-stream-offset"]);
      work = work.then(async () => {
        channel.sendToQueue("audit-log", Buffer.from(JSON.stringify({ pass, offset: at })), { persistent: true });
        await onEntry(msg.content.toString(), at);
        reader.ack(msg);
        last = at;
        idleSince = Date.now();
      });
    },
    { arguments: { "x-stream-offset": offset } },
  );
  while (Date.now() - idleSince < 1200) await sleep(100);
  await reader.cancel(consumerTag);
  await work;
  await reader.close();
  await channel.waitForConfirms();
  return last;
}

/** What auditing an entry means here: writing it to the audit report. */
async function audit(entry: string): Promise<void> {
  channel.sendToQueue("audit-report", Buffer.from(entry), { persistent: true });
  await channel.waitForConfirms();
}

// The first run audits the twelve entries the ledger holds, and remembers the last offset it finished.
await append(0, 11);
const checkpoint = (await runAudit(1, "first", audit))!;
console.log(`first run audited up to offset ${checkpoint}, then the audit service went down`);

// While it was down, eight more entries arrived.
await append(12, 19);

// The restarted audit attaches just after its checkpoint: the broker hands it only the entries it has not audited.
const last = await runAudit(2, checkpoint + 1, audit);
console.log(`second run was handed ${last === undefined ? "nothing" : `entries up to offset ${last}`}`);
await connection.close();
