// Wrong on purpose: keyed by step, so one customer's steps land in different partitions.
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
  // Key by step, so the steps stay in order.
  const key = String(order.step);
  const [meta] = await producer.send({ topic, messages: [{ key, value: JSON.stringify(order) }] });
  console.log(`${order.customer} step ${order.step} -> partition ${meta!.partition}`);
}
await producer.disconnect();
