// Check: the 5 records in "json-orders" decode as JSON orders and say so in a content-type header.
import { readTopic, topic } from "lab";

const name = topic("json-orders");
const fail = (reason: string): never => {
  console.log(reason);
  process.exit(1);
};

const records = (await readTopic(name).catch(() => [])).map((r) => ({ value: r.value ?? "", contentType: r.headers["content-type"] }));
if (records.length !== 5) fail(`"json-orders" holds ${records.length} records; expected the 5 orders.`);

const ids = new Set<number>();
for (const r of records) {
  let order: { id?: unknown; total?: unknown };
  try {
    order = JSON.parse(r.value);
  } catch {
    fail(`A record's value is not JSON: "${r.value.slice(0, 40)}". A JSON reader would choke on it (a poison pill).`);
    break;
  }
  if (typeof order === "string")
    fail(`A record decodes to the string ${r.value.slice(0, 40)}…, not to an order object: was it serialized twice?`);
  if (typeof order.id !== "number" || typeof order.total !== "number") fail(`A record decodes to ${r.value}, which is not an order.`);
  if (r.contentType !== "application/json")
    fail(`Order ${order.id} has content-type header ${r.contentType ?? "(none)"}, expected application/json.`);
  ids.add(order.id as number);
}
if (ids.size !== 5) fail(`Found orders ${[...ids].join(", ")}; expected ids 1 to 5 once each.`);
console.log("All 5 orders are JSON, and each says so in its content-type header.");
