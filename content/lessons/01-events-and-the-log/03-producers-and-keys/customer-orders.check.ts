// Check: every customer's orders sit in a single partition, in step order.
import { readTopic, topic } from "lab";

const name = topic("customer-orders");
const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const read = await readTopic(name).catch(() => []);
if (read.length < 12) fail(`"customer-orders" holds ${read.length} records; the program should write all 12 orders.`);

type Order = { customer: string; step: number; partition: number; offset: number; key: string | null };
const records: Order[] = read.map(({ partition, offset, value, key }) => {
  const order = JSON.parse(value ?? "{}") as { customer: string; step: number };
  return { customer: order.customer, step: order.step, partition, offset, key };
});

for (const customer of ["alice", "carol", "dave"]) {
  const mine = records.filter((r) => r.customer === customer);
  const partitions = [...new Set(mine.map((r) => r.partition))];
  if (partitions.length !== 1) {
    fail(`${customer}'s orders are spread over partitions ${partitions.sort().join(", ")}: a consumer can read them out of order.`);
  }
  // Placement must follow from the key. Keyless records sent one by one go round the partitions in turn, which
  // here happens to keep each customer together; any other traffic on the topic would break that.
  if (mine.some((r) => r.key === null)) {
    fail(
      `${customer}'s orders have no key. Without a key the partitioner only takes turns over the partitions, so they stayed together by luck: give every order a key that is the same for all of one customer's orders.`,
    );
  }
  const keys = [...new Set(mine.map((r) => r.key))];
  if (keys.length > 1) fail(`${customer}'s orders carry ${keys.length} different keys (${keys.join(", ")}); one customer needs one key.`);
  const steps = mine.sort((a, b) => a.offset - b.offset).map((r) => r.step);
  if (steps.some((s, i) => i > 0 && s < steps[i - 1]!)) fail(`${customer}'s orders are stored as steps ${steps.join(", ")}.`);
}
if (new Set(records.map((r) => r.partition)).size === 1) {
  fail("Every order went to one partition. That keeps the order, but only one consumer can ever read them: key by something per customer.");
}
console.log("Each customer's orders are in one partition, in order, and the customers are spread over the partitions.");
