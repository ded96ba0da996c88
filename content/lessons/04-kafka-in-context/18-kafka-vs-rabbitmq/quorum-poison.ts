import amqp from "amqplib";
import { amqpUrl, sleep } from "lab";

const connection = await amqp.connect(amqpUrl());
const channel = await connection.createConfirmChannel();
for (const queue of ["payments", "payments.dead"]) await channel.deleteQueue(queue); // start clean on every run

// A quorum queue that gives a message at most 2 returns, then dead-letters it (through the default exchange,
// which routes by queue name) to payments.dead.
await channel.assertQueue("payments.dead", { durable: true });
await channel.assertQueue("payments", {
  durable: true,
  arguments: {
    "x-queue-type": "quorum",
    "x-delivery-limit": 2,
    "x-dead-letter-exchange": "",
    "x-dead-letter-routing-key": "payments.dead",
  },
});
const payments = { "pay-1": '{"cents":1250}', "pay-2": '{"cents":99', "pay-3": '{"cents":400}' }; // pay-2 is cut off
for (const [id, body] of Object.entries(payments)) {
  channel.sendToQueue("payments", Buffer.from(body), { persistent: true, messageId: id });
}
await channel.waitForConfirms();

// The worker charges each payment. One it cannot parse it hands back (requeue), hoping the next try works.
const worker = await connection.createChannel();
await worker.prefetch(1);
const charged: string[] = [];
await worker.consume("payments", (msg) => {
  if (!msg) return;
  const id = String(msg.properties.messageId);
  const count = msg.properties.headers?.["x-delivery-count"] as number | undefined; // absent on the first delivery
  try {
    const { cents } = JSON.parse(msg.content.toString()) as { cents: number };
    charged.push(`${id} (${cents} cents)`);
    worker.ack(msg);
  } catch {
    console.log(`${id}: x-delivery-count ${count ?? "absent"}, redelivered: ${msg.fields.redelivered}: cannot parse it, requeued`);
    worker.nack(msg, false, true);
  }
});

let dead = 0;
for (let waited = 0; (charged.length < 2 || dead < 1) && waited < 8000; waited += 100) {
  dead = (await channel.checkQueue("payments.dead")).messageCount;
  if (charged.length < 2 || dead < 1) await sleep(100);
}
await worker.close();
console.log(`charged ${charged.join(", ")}`);
console.log(`payments holds ${(await channel.checkQueue("payments")).messageCount} messages; payments.dead holds ${dead}`);

const letter = await channel.get("payments.dead", { noAck: true });
if (letter) {
  const headers = letter.properties.headers ?? {};
  const death = (headers["x-death"] as { count: number; queue: string }[] | undefined)?.[0];
  console.log(
    `dead-lettered: ${letter.properties.messageId} from ${death?.queue}, reason ${headers["x-first-death-reason"]}, body ${letter.content.toString()}`,
  );
}
await connection.close();
