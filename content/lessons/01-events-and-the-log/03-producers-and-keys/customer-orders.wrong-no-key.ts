// Wrong on purpose: no key at all. Round-robin happens to keep each customer in one partition here, by luck.
import { freshTopic, kafka } from "lab";

const topic = await freshTopic("customer-orders", { partitions: 3 });

// Each customer places four orders; `step` says in which order they happened.
const orders = Array.from({ length: 12 }, (_, i) => ({
  id: `order-${i + 1}`,
  customer: ["alice", "carol", "dave"][i % 3]!,
  step: Math.floor(i / 3) + 1,
}));

const producer = kafka.producer();
await producer.connect();
for (const order of orders) {
  // No key: let the partitioner spread the orders.
  const [meta] = await producer.send({ topic, messages: [{ value: JSON.stringify(order) }] });
  console.log(`${order.customer} step ${order.step} -> partition ${meta!.partition}`);
}
await producer.disconnect();
