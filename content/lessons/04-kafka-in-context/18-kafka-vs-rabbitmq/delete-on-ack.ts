import amqp from "amqplib";
import { amqpUrl, freshTopic, groupId, kafka, sleep } from "lab";

const jobs = ["img-1", "img-2", "img-3", "img-4"];

// RabbitMQ: a worker acknowledges each job it has done; a consumer that arrives afterwards looks for them.
const connection = await amqp.connect(amqpUrl());
const channel = await connection.createConfirmChannel();
await channel.deleteQueue("resize-jobs"); // start clean on every run
await channel.assertQueue("resize-jobs", { durable: true });
for (const job of jobs) channel.sendToQueue("resize-jobs", Buffer.from(job), { persistent: true });
await channel.waitForConfirms();

const worker = await connection.createChannel();
await worker.prefetch(1);
const acked: string[] = [];
await worker.consume("resize-jobs", (msg) => {
  if (!msg) return;
  acked.push(msg.content.toString());
  worker.ack(msg); // done: from here on the broker may forget it
});
for (let waited = 0; acked.length < jobs.length && waited < 5000; waited += 50) await sleep(50);
await worker.close();
console.log(`queue: the worker acknowledged ${acked.join(", ")}`);
const { messageCount } = await channel.checkQueue("resize-jobs");
console.log(`queue: after the acks the queue holds ${messageCount} messages`);
const late = await channel.get("resize-jobs"); // false when the queue is empty
console.log(`queue: a consumer arriving now gets ${late ? late.content.toString() : "nothing"}`);
await connection.close();

// Kafka: the same four jobs, read by a group; then a group that arrives afterwards reads from the beginning.
const topic = await freshTopic("resize-jobs", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: jobs.map((value) => ({ value })) });
await producer.disconnect();

/** Reads the topic as group `name` until it has seen every job (or 8 s pass); leaving commits its position. */
async function readAs(name: string): Promise<string[]> {
  const consumer = kafka.consumer({ groupId: groupId(name), maxWaitTimeInMs: 200 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen: string[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 8000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(String(message.value));
        if (seen.length === jobs.length) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return seen;
}

console.log(`topic: the resizer group read ${(await readAs("resizer")).join(", ")} and committed its offset`);
const admin = kafka.admin();
await admin.connect();
const [p0] = await admin.fetchTopicOffsets(topic);
const [config] = (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic }] })).resources;
await admin.disconnect();
const retention = Number(config!.configEntries.find((e) => e.configName === "retention.ms")!.configValue);
console.log(
  `topic: the log still holds offsets ${p0!.low} to ${Number(p0!.high) - 1}; retention.ms = ${retention} (${retention / 86_400_000} days)`,
);
console.log(`topic: a group arriving now (audit) reads ${(await readAs("audit")).join(", ")}`);
