// Wrong on purpose: one key for everything keeps the order, but puts every customer in one partition.
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
  // One key for every order: they all go to one partition, so nothing can be out of order.
  const key = "orders";
  const [meta] = await producer.send({ topic, messages: [{ key, value: JSON.stringify(order) }] });
  console.log(`${order.customer} step ${order.step} -> partition ${meta!.partition}`);
}
await producer.disconnect();
