// Check: the 5 records in "json-orders" decode as JSON orders and say so in a content-type header.
import { groupId, kafka, topic } from "lab";

const name = topic("json-orders");
const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const admin = kafka.admin();
await admin.connect();
const offsets = await admin.fetchTopicOffsets(name).catch(() => []);
await admin.disconnect();
const expected = offsets.reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
if (expected !== 5) fail(`"json-orders" holds ${expected} records; expected the 5 orders.`);

const records: { value: string; contentType: string | undefined }[] = [];
const group = groupId(`check-${Date.now()}`);
const consumer = kafka.consumer({ groupId: group, maxWaitTimeInMs: 500 });
await consumer.connect();
await consumer.subscribe({ topic: name, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 15_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      records.push({ value: message.value?.toString() ?? "", contentType: message.headers?.["content-type"]?.toString() });
      if (records.length >= expected) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

const ids = new Set<number>();
for (const r of records) {
  let order: { id?: unknown; total?: unknown };
  try {
    order = JSON.parse(r.value);
  } catch {
    fail(`A record's value is not JSON: "${r.value.slice(0, 40)}". A JSON reader would choke on it (a poison pill).`);
    break;
  }
  if (typeof order.id !== "number" || typeof order.total !== "number") fail(`A record decodes to ${r.value}, which is not an order.`);
  if (r.contentType !== "application/json")
    fail(`Order ${order.id} has content-type header ${r.contentType ?? "(none)"}, expected application/json.`);
  ids.add(order.id as number);
}
if (ids.size !== 5) fail(`Found orders ${[...ids].join(", ")}; expected ids 1 to 5 once each.`);
console.log("All 5 orders are JSON, and each says so in its content-type header.");
