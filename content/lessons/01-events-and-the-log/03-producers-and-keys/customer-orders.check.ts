// Check: every customer's orders sit in a single partition, in step order.
import { groupId, kafka, topic } from "lab";

const name = topic("customer-orders");
const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(name).catch(() => []);
await admin.disconnect();
const expected = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
if (expected < 12) fail(`"customer-orders" holds ${expected} records; the program should write all 12 orders.`);

type Order = { customer: string; step: number; partition: number; offset: number };
const records: Order[] = [];
const group = groupId(`check-${Date.now()}`);
const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic: name, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      const order = JSON.parse(message.value?.toString() ?? "{}") as { customer: string; step: number };
      records.push({ customer: order.customer, step: order.step, partition, offset: Number(message.offset) });
      if (records.length >= expected) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

for (const customer of ["alice", "carol", "dave"]) {
  const mine = records.filter((r) => r.customer === customer);
  const partitions = [...new Set(mine.map((r) => r.partition))];
  if (partitions.length !== 1) {
    fail(`${customer}'s orders are spread over partitions ${partitions.sort().join(", ")}: a consumer can read them out of order.`);
  }
  const steps = mine.sort((a, b) => a.offset - b.offset).map((r) => r.step);
  if (steps.some((s, i) => i > 0 && s < steps[i - 1]!)) fail(`${customer}'s orders are stored as steps ${steps.join(", ")}.`);
}
if (new Set(records.map((r) => r.partition)).size === 1) {
  fail("Every order went to one partition. That keeps the order, but only one consumer can ever read them: key by something per customer.");
}
console.log("Each customer's orders are in one partition, in order, and the customers are spread over the partitions.");
