import http from "node:http";
import type { AddressInfo } from "node:net";
import { freshTopic, groupId, kafka } from "lab";

const updates = await freshTopic("order-status", { partitions: 3 });

/** The read side: a consumer that folds status events into a view (latest status per order) for GET to serve. */
async function startView(group: string, commit: boolean) {
  const view = new Map<string, string>();
  const applied = new Map<number, number>(); // partition → next offset the view has applied
  // A short fetch wait: a restart (disconnect) waits for the fetch in flight, up to 5 s by default.
  const consumer = kafka.consumer({ groupId: groupId(group), maxWaitTimeInMs: 500 });
  await consumer.connect();
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  // fromBeginning applies only while the group has no committed offset.
  await consumer.subscribe({ topic: updates, fromBeginning: true });
  void consumer.run({
    // A view in memory starts empty, so it must rebuild from the whole topic at every start: it must not commit.
    // (With commit = true a restart resumes after the committed offset, and the new, empty Map misses everything before.)
    autoCommit: commit,
    eachMessage: async ({ partition, message }) => {
      view.set(String(message.key), String(message.value));
      applied.set(partition, Number(message.offset) + 1);
    },
  });
  await joined;
  /** Waits (briefly) until the view has applied the write at `offset` of `partition`: read-your-writes. */
  const catchUp = async (partition: number, offset: number, ms = 3000) => {
    const deadline = Date.now() + ms;
    while ((applied.get(partition) ?? 0) <= offset && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  };
  return { view, catchUp, stop: () => consumer.disconnect() };
}
// The view GET serves never commits. A second view, whose consumer commits (the kafkajs default), is for comparison.
let [reads, committing] = await Promise.all([startView("order-status-view", false), startView("order-status-view-committing", true)]);

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
  // GET ?partition=&offset= waits until the view has applied that write.
  await reads.catchUp(Number(url.searchParams.get("partition") ?? -1), Number(url.searchParams.get("offset") ?? -1));
  const status = reads.view.get(orderId);
  if (!status) return void res.writeHead(404).end("unknown order");
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ orderId, status }));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

let last = { partition: -1, offset: -1 };
for (const status of ["paid", "packed", "shipped"]) {
  const put = await fetch(`${base}/orders/o-7/status`, { method: "PUT", body: status });
  const { partition, offset } = (await put.json()) as { partition: number; offset: number };
  last = { partition, offset };
  const get = await fetch(`${base}/orders/o-7/status?partition=${partition}&offset=${offset}`);
  console.log(`PUT ${status} → partition ${partition} offset ${offset}; GET → ${get.status} ${await get.text()}`);
}
const missing = await fetch(`${base}/orders/o-8/status`);
console.log(`GET o-8 → ${missing.status} ${await missing.text()}`);

// Restart the read side, as a deploy would: each view starts again with an empty Map.
await committing.catchUp(last.partition, last.offset);
await Promise.all([reads.stop(), committing.stop()]);
[reads, committing] = await Promise.all([startView("order-status-view", false), startView("order-status-view-committing", true)]);
const rebuilt = await fetch(`${base}/orders/o-7/status?partition=${last.partition}&offset=${last.offset}`);
console.log(`after a restart, GET o-7 → ${rebuilt.status} ${await rebuilt.text()} (the view re-read the topic)`);
await committing.catchUp(last.partition, last.offset, 1500);
console.log(
  `after a restart, the committing view knows o-7: ${committing.view.get("o-7") ?? "no"} (it resumed after its committed offset)`,
);

server.close();
await producer.disconnect();
await Promise.all([reads.stop(), committing.stop()]);
