import http from "node:http";
import type { AddressInfo } from "node:net";
import { freshTopic, kafka } from "lab";

const orders = await freshTopic("api-orders", { partitions: 3 });
const producer = kafka.producer({ idempotent: true });
await producer.connect();

type Order = { customer: string; amount: number };

const server = http.createServer(async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  let order: Partial<Order>;
  try {
    order = JSON.parse(body) as Partial<Order>;
  } catch {
    return void res.writeHead(400).end("body must be JSON");
  }
  // Validate before producing: a bad record in the log stays there for every consumer to trip over.
  if (typeof order.customer !== "string" || typeof order.amount !== "number" || !(order.amount > 0)) {
    return void res.writeHead(400).end("customer (string) and amount (positive number) are required");
  }
  // The customer as key: the default partitioner sends all of one customer's orders to one partition.
  await producer.send({ topic: orders, acks: -1, messages: [{ key: order.customer, value: JSON.stringify(order) }] });
  res.writeHead(202).end();
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// ─── The client. Keep this part as it is: the check reads the answers it records. ───
// Three of these calls are broken and must be refused with a 400.
const requests: unknown[] = [
  { customer: "alice", amount: 30 },
  { customer: "bob", amount: 12.5 },
  { customer: "alice" },
  { customer: "bob", amount: -5 },
  { customer: 42, amount: 10 },
  { customer: "alice", amount: 8 },
];
const answers = await freshTopic("api-order-answers", { partitions: 1 });
for (const body of requests) {
  const response = await fetch(`${base}/orders`, { method: "POST", body: JSON.stringify(body) });
  console.log(`POST ${JSON.stringify(body)} → ${response.status}`);
  await producer.send({ topic: answers, messages: [{ value: JSON.stringify({ request: body, status: response.status }) }] });
}
server.close();
await producer.disconnect();
