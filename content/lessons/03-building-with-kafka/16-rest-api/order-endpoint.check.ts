// Reads from the cluster what the endpoint answered (api-order-answers, recorded by the client part of the program)
// and what it let through to api-orders: which orders, with which keys, in which partitions.
import { readTopic, topic } from "lab";

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

/** The client's calls, in order, and whether each is a valid order. */
const calls: { body: { customer?: unknown; amount?: unknown }; valid: boolean; why?: string }[] = [
  { body: { customer: "alice", amount: 30 }, valid: true },
  { body: { customer: "bob", amount: 12.5 }, valid: true },
  { body: { customer: "alice" }, valid: false, why: "it has no amount" },
  { body: { customer: "bob", amount: -5 }, valid: false, why: "its amount is not above 0" },
  { body: { customer: 42, amount: 10 }, valid: false, why: "its customer is a number, not a string" },
  { body: { customer: "alice", amount: 8 }, valid: true },
];
const show = (body: unknown) => JSON.stringify(body);

const answers = (await readTopic(topic("api-order-answers"))).map(
  (r) => JSON.parse(String(r.value)) as { request: unknown; status: number },
);
if (answers.length !== calls.length || answers.some((a, i) => show(a.request) !== show(calls[i]!.body)))
  fail(
    `api-order-answers holds ${answers.length} answers, not one for each of the client's ${calls.length} calls. ` +
      "Keep the client part at the end of the program as it is: it records each call's answer there for this check.",
  );

const rows = (await readTopic(topic("api-orders"))).map((r) => ({
  key: r.key,
  partition: r.partition,
  value: JSON.parse(String(r.value)) as { customer?: unknown; amount?: unknown },
}));
const produced = (body: unknown) => rows.filter((r) => show({ customer: r.value.customer, amount: r.value.amount }) === show(body)).length;

for (const [i, call] of calls.entries()) {
  const { status } = answers[i]!;
  if (call.valid) {
    if (status < 200 || status > 299) fail(`POST ${show(call.body)} is a valid order but was answered ${status}; accept it (202).`);
    if (produced(call.body) !== 1)
      fail(`POST ${show(call.body)} was answered ${status}, but api-orders holds it ${produced(call.body)} times; it should hold it once.`);
  } else {
    if (produced(call.body) > 0)
      fail(`POST ${show(call.body)} reached api-orders, but ${call.why}. Refuse it with a 400 before producing anything.`);
    if (status !== 400)
      fail(
        `POST ${show(call.body)} was answered ${status}. Nothing was produced, which is right, but ${call.why}: ` +
          "answer 400 so that the caller learns the order was refused.",
      );
  }
}
if (rows.length !== 3) fail(`api-orders holds ${rows.length} records; the three valid requests should give exactly 3.`);
for (const row of rows) {
  if (row.key !== row.value.customer)
    fail(
      `the order ${show(row.value)} has key ${row.key ?? "null"}; key it by its customer, so one customer's orders stay in one partition.`,
    );
}
const alice = new Set(rows.filter((r) => r.key === "alice").map((r) => r.partition));
if (alice.size !== 1) fail(`alice's orders are spread over partitions ${[...alice].join(", ")}.`);
console.log(
  `✓ The three broken calls got a 400 and produced nothing; api-orders holds the 3 valid orders, keyed by customer, with both of alice's in partition ${[...alice][0]}.`,
);
