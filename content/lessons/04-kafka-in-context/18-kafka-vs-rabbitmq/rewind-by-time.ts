import { freshTopic, groupId, kafka } from "lab";

const invoices = await freshTopic("invoices", { partitions: 3 });
const rebilled = await freshTopic("invoices-rebilled", { partitions: 3 });
const billingLog = await freshTopic("billing-log", { partitions: 1 });
const billing = groupId("billing");

// Twelve invoices, one per hour over the last twelve hours, each stamped with its event time.
const hour = 3_600_000;
const first = Math.floor(Date.now() / hour) * hour - 12 * hour;
const customers = ["acme", "globex", "initech", "umbrella"];
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: invoices,
  messages: Array.from({ length: 12 }, (_, i) => ({
    key: customers[i % 4]!,
    value: JSON.stringify({ invoice: `inv-${i}`, hour: i }),
    timestamp: String(first + i * hour),
  })),
});

/**
 * Runs the billing group until it has caught up with the end of every partition. Like a real service it logs each
 * invoice it reads (pass, partition, offset) to billing-log, which is how the check sees where the group started.
 */
async function runBilling(pass: number, onInvoice: (value: string) => Promise<void>): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(invoices);
  const [committed] = await admin.fetchOffsets({ groupId: billing, topics: [invoices] });
  await admin.disconnect();
  const remaining = ends.reduce((n, p) => {
    const from = Number(committed!.partitions.find((c) => c.partition === p.partition)?.offset ?? -1);
    return n + Number(p.high) - (from < 0 ? Number(p.low) : from);
  }, 0);
  if (remaining === 0) return 0;
  // A short fetch wait: leaving the group waits for the fetch in flight, and the default is five seconds.
  const consumer = kafka.consumer({ groupId: billing, maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic: invoices, fromBeginning: true });
  let seen = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        await producer.send({
          topic: billingLog,
          messages: [{ value: JSON.stringify({ pass, partition, offset: Number(message.offset) }) }],
        });
        await onInvoice(String(message.value));
        if (++seen === remaining) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

console.log(`first pass billed ${await runBilling(1, async () => {})} invoices`);

// A bug was deployed 6 hours into that period: everything billed from then on must be billed again.
const bugDeployedAt = first + 6 * hour;
const admin = kafka.admin();
await admin.connect();
// TODO: move the billing group back to the first invoice stamped at or after bugDeployedAt, in every partition.
// Rewinding to the very beginning, as below, bills the six good hours a second time.
console.log(`rewinding billing (bug deployed at ${new Date(bugDeployedAt).toISOString()})`);
await admin.resetOffsets({ groupId: billing, topic: invoices, earliest: true });
await admin.disconnect();

const again = await runBilling(2, async (value) => {
  await producer.send({ topic: rebilled, messages: [{ value }] });
});
console.log(`second pass re-billed ${again} invoices`);
await producer.disconnect();
