import http from "node:http";
import type { AddressInfo } from "node:net";
import { freshTopic, groupId, kafka } from "lab";

const updates = await freshTopic("order-status", { partitions: 3 });

// The read side: a consumer folds status events into a view (latest status per order) that GET serves.
const view = new Map<string, string>();
const consumed = new Map<number, number>(); // partition → next offset the view has applied
const viewer = kafka.consumer({ groupId: groupId("order-status-view") });
await viewer.connect();
const joined = new Promise<void>((resolve) => viewer.on(viewer.events.GROUP_JOIN, () => resolve()));
await viewer.subscribe({ topic: updates, fromBeginning: true });
void viewer.run({
  eachMessage: async ({ partition, message }) => {
    view.set(String(message.key), String(message.value));
    consumed.set(partition, Number(message.offset) + 1);
  },
});
await joined;

const producer = kafka.producer();
await producer.connect();

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", "http://localhost");
  const match = /^\/orders\/([\w-]+)\/status$/.exec(url.pathname);
  if (!match) return void res.writeHead(404).end();
  const orderId = match[1]!;
  if (req.method === "PUT") {
    let status = "";
    for await (const chunk of req) status += chunk;
    const [meta] = await producer.send({ topic: updates, messages: [{ key: orderId, value: status }] });
    // Hand back where the write landed, so the caller can ask to read at least that far.
    return void res
      .writeHead(202, { "content-type": "application/json" })
      .end(JSON.stringify({ partition: meta!.partition, offset: Number(meta!.baseOffset) }));
  }
  // GET ?partition=&offset= waits (briefly) until the view has applied that write: read-your-writes.
  const partition = Number(url.searchParams.get("partition") ?? -1);
  const offset = Number(url.searchParams.get("offset") ?? -1);
  const deadline = Date.now() + 5000;
  while ((consumed.get(partition) ?? 0) <= offset && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const status = view.get(orderId);
  if (!status) return void res.writeHead(404).end("unknown order");
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ orderId, status }));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

for (const status of ["paid", "packed", "shipped"]) {
  const put = await fetch(`${base}/orders/o-7/status`, { method: "PUT", body: status });
  const { partition, offset } = (await put.json()) as { partition: number; offset: number };
  const get = await fetch(`${base}/orders/o-7/status?partition=${partition}&offset=${offset}`);
  console.log(`PUT ${status} → partition ${partition} offset ${offset}; GET → ${get.status} ${await get.text()}`);
}
const missing = await fetch(`${base}/orders/o-8/status`);
console.log(`GET o-8 → ${missing.status} ${await missing.text()}`);

server.close();
await producer.disconnect();
await viewer.disconnect();
