// Wrong on purpose: JSON values, but no content-type header.
import { freshTopic, kafka } from "lab";

const topic = await freshTopic("json-orders", { partitions: 3 });
const orders = [
  { id: 1, customer: "alice", total: 12.5 },
  { id: 2, customer: "carol", total: 40 },
  { id: 3, customer: "alice", total: 7.25 },
  { id: 4, customer: "dave", total: 99.9 },
  { id: 5, customer: "carol", total: 3 },
];

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: orders.map((order) => ({
    key: order.customer,
    value: JSON.stringify(order),
  })),
});
await producer.disconnect();
console.log(`Sent ${orders.length} orders`);
