import amqp from "amqplib";
import { amqpUrl, sleep } from "lab";

const connection = await amqp.connect(amqpUrl());
const channel = await connection.createConfirmChannel();
await channel.deleteQueue("shop-events"); // start clean on every run
// A stream: an append-only log on disk. Consuming it deletes nothing; retention (by size or age) does.
await channel.assertQueue("shop-events", { durable: true, arguments: { "x-queue-type": "stream" } });
for (const event of ["cart", "checkout", "paid", "packed", "shipped"]) channel.sendToQueue("shop-events", Buffer.from(event));
await channel.waitForConfirms();

/**
 * Attaches a consumer at `offset` ("first", "next" or a number), collects what it is given until it has `expected`
 * messages (or 5 s pass), and detaches. A stream consumer needs a prefetch and must ack, although acking deletes
 * nothing; each delivery carries its offset in the x-stream-offset header.
 */
async function read(offset: "first" | "next" | number, expected: number, whileAttached?: () => Promise<void>): Promise<string> {
  const reader = await connection.createChannel();
  await reader.prefetch(100);
  const seen: string[] = [];
  const { consumerTag } = await reader.consume(
    "shop-events",
    (msg) => {
      if (!msg) return;
      seen.push(`${msg.content.toString()}@${msg.properties.headers?.["x-stream-offset"]}`);
      reader.ack(msg);
    },
    { arguments: { "x-stream-offset": offset } },
  );
  await whileAttached?.();
  for (let waited = 0; seen.length < expected && waited < 5000; waited += 50) await sleep(50);
  await sleep(200); // long enough to show anything beyond what was expected
  await reader.cancel(consumerTag);
  await reader.close();
  return seen.join(", ") || "nothing";
}

console.log(`from "first":   ${await read("first", 5)}`);
console.log(`again, "first": ${await read("first", 5)}  (reading deleted nothing)`);
console.log(`from offset 3:  ${await read(3, 2)}`);
// "next" waits at the end of the stream: it gets only what is appended after it attached.
const next = await read("next", 1, async () => {
  channel.sendToQueue("shop-events", Buffer.from("returned"));
  await channel.waitForConfirms();
});
console.log(`from "next":    ${next}  (only what arrived after it attached)`);
await connection.close();
