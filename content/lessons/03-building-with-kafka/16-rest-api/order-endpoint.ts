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
  const order = JSON.parse(body) as Order;
  // TODO: answer 400 (and produce nothing) unless the body has a string customer and a positive number amount.
  // TODO: key each record by its customer, so that one customer's orders stay in one partition, in order.
  await producer.send({ topic: orders, messages: [{ value: JSON.stringify(order) }] });
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
