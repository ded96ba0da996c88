import http from "node:http";
import type { AddressInfo } from "node:net";
import { freshTopic, groupId, kafka } from "lab";

const orders = await freshTopic("orders-api", { partitions: 3 });

// One producer for the whole server, connected once at start-up (not once per request).
const producer = kafka.producer({ idempotent: true });
await producer.connect();

const server = http.createServer(async (req, res) => {
  if (req.method !== "POST" || req.url !== "/orders") {
    res.writeHead(404).end();
    return;
  }
  let body = "";
  for await (const chunk of req) body += chunk;
  let order: { orderId: string; item: string };
  try {
    order = JSON.parse(body);
  } catch {
    res.writeHead(400).end("body must be JSON");
    return;
  }
  try {
    // acks=-1 (all in-sync replicas) before we answer: a 202 means the order is durable in Kafka.
    const [meta] = await producer.send({ topic: orders, acks: -1, messages: [{ key: order.orderId, value: body }] });
    res.writeHead(202, { "content-type": "application/json" });
    res.end(JSON.stringify({ partition: meta!.partition, offset: meta!.baseOffset }));
  } catch (error) {
    res.writeHead(503).end(`Kafka did not accept the order: ${(error as Error).message}`); // the caller may retry
  }
});
// Port 0: the OS picks a free port, so two runs never collide.
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

for (const [orderId, item] of [
  ["o-1", "keyboard"],
  ["o-2", "mouse"],
  ["o-3", "monitor"],
]) {
  const response = await fetch(`${base}/orders`, { method: "POST", body: JSON.stringify({ orderId, item }) });
  console.log(`POST /orders ${orderId} → ${response.status} ${await response.text()}`);
}
server.close();
await producer.disconnect();

// Any service can now consume the orders; the HTTP caller never waits for it.
const consumer = kafka.consumer({ groupId: groupId("order-fulfilment") });
await consumer.connect();
await consumer.subscribe({ topic: orders, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ partition, message }) => {
      console.log(`fulfilment got ${message.key} from partition ${partition} offset ${message.offset}: ${message.value}`);
      if (++seen === 3) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
