import amqp, { type ConsumeMessage } from "amqplib";
import { amqpUrl, freshTopic, groupId, kafka, sleep } from "lab";

const emails = ["email-1", "email-2", "email-3"];

// RabbitMQ: worker-1 takes a message and dies before acknowledging it; worker-2 starts afterwards.
const setup = await amqp.connect(amqpUrl());
const publisher = await setup.createConfirmChannel();
await publisher.deleteQueue("emails"); // start clean on every run
await publisher.assertQueue("emails", { durable: true });
for (const email of emails) publisher.sendToQueue("emails", Buffer.from(email), { persistent: true });
await publisher.waitForConfirms();

const first = await amqp.connect(amqpUrl());
const doomed = await first.createChannel();
await doomed.prefetch(1); // it holds one unacknowledged message at a time
const taken = await new Promise<ConsumeMessage>((resolve) => {
  void doomed.consume("emails", (msg) => msg && resolve(msg));
});
console.log(`queue: worker-1 got ${taken.content.toString()} (redelivered: ${taken.fields.redelivered}) and dies without acking`);
await first.close(); // to the broker, a connection that goes away with unacked messages is a consumer that died
let ready = 0;
for (let waited = 0; ready < emails.length && waited < 3000; waited += 50) {
  ready = (await publisher.checkQueue("emails")).messageCount;
  if (ready < emails.length) await sleep(50);
}
console.log(`queue: the unacked message went back to the queue: ${ready} ready`);

const second = await amqp.connect(amqpUrl());
const worker = await second.createChannel();
await worker.prefetch(1);
const done: string[] = [];
await worker.consume("emails", (msg) => {
  if (!msg) return;
  done.push(`${msg.content.toString()} (redelivered: ${msg.fields.redelivered})`);
  worker.ack(msg);
});
for (let waited = 0; done.length < emails.length && waited < 5000; waited += 50) await sleep(50);
await second.close();
console.log(`queue: worker-2 got ${done.join(", ")}`);
await setup.close();

// Kafka: the same, in a consumer group that commits by hand. There is no per-record flag: what decides what is
// read again is the group's committed offset, and worker-1 dies before it commits one.
const topic = await freshTopic("emails", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: emails.map((value) => ({ value })) });
await producer.disconnect();
const group = groupId("mailer");

const crashing = kafka.consumer({ groupId: group, maxWaitTimeInMs: 200 });
await crashing.connect();
await crashing.subscribe({ topic, fromBeginning: true });
const read = await new Promise<string>((resolve) => {
  void crashing.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      crashing.pause([{ topic }]); // take one record and stop there, as if the process died while handling it
      resolve(`${message.value} at offset ${message.offset}`);
    },
  });
});
await crashing.disconnect(); // without autoCommit and without commitOffsets, nothing was committed
console.log(`group: worker-1 read ${read} and dies before committing`);

const admin = kafka.admin();
await admin.connect();
const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
await admin.disconnect();
console.log(`group: committed offset of partition 0: ${committed!.partitions[0]!.offset} (-1 means none)`);

const restarted = kafka.consumer({ groupId: group, maxWaitTimeInMs: 200 });
await restarted.connect();
await restarted.subscribe({ topic, fromBeginning: true });
const reread: string[] = [];
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 8000);
  void restarted.run({
    eachMessage: async ({ message }) => {
      reread.push(`${message.value} at offset ${message.offset}`);
      if (reread.length === emails.length) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await restarted.disconnect();
console.log(`group: worker-2 reads ${reread.join(", ")}`);
