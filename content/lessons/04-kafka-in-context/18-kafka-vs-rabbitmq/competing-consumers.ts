import amqp from "amqplib";
import type { Consumer } from "kafkajs";
import { amqpUrl, freshTopic, groupId, kafka, sleep } from "lab";

// One workload for both systems: six order events in the order they happen, keyed by customer.
const events = ["acme placed", "acme paid", "globex placed", "acme shipped", "globex paid", "globex shipped"];
const customerOf = (event: string) => event.split(" ")[0]!;

/** Prints who got what, then which workers each customer's events went to. */
function report(system: string, got: Map<string, string[]>): void {
  for (const [worker, list] of got) console.log(`${system}: ${worker} got ${list.join(", ") || "nothing"}`);
  for (const customer of ["acme", "globex"]) {
    const handlers = [...got].filter(([, list]) => list.some((e) => customerOf(e) === customer)).map(([worker]) => worker);
    console.log(`${system}: ${customer}'s events went to ${handlers.join(" and ")}`);
  }
}

// RabbitMQ: one queue, two workers consuming from it. Each worker may hold up to 10 unacknowledged messages
// (its prefetch), and the queue hands each message to the next worker in turn that has room.
const setup = await amqp.connect(amqpUrl());
const publisher = await setup.createConfirmChannel();
await publisher.deleteQueue("orders"); // start clean on every run
await publisher.assertQueue("orders", { durable: true });
const queueGot = new Map<string, string[]>();
const workers = [];
for (const name of ["worker-1", "worker-2"]) {
  const connection = await amqp.connect(amqpUrl()); // one connection per worker, as if each were its own process
  const channel = await connection.createChannel();
  await channel.prefetch(10);
  queueGot.set(name, []);
  await channel.consume("orders", (msg) => {
    if (!msg) return;
    queueGot.get(name)!.push(msg.content.toString());
    channel.ack(msg);
  });
  workers.push(connection);
}
for (const event of events) publisher.sendToQueue("orders", Buffer.from(event), { persistent: true });
await publisher.waitForConfirms(); // the broker has taken all six
const delivered = () => [...queueGot.values()].flat();
for (let waited = 0; delivered().length < events.length && waited < 5000; waited += 50) await sleep(50);
await Promise.all(workers.map((w) => w.close()));
const { messageCount } = await publisher.checkQueue("orders");
await setup.close();
report("queue", queueGot);
const once = events.every((e) => delivered().filter((d) => d === e).length === 1);
console.log(
  `queue: ${delivered().length} deliveries, ${once ? "each message to exactly one worker" : "NOT one per message"}, ${messageCount} left`,
);

// Kafka: a two-partition topic and a consumer group of two. The key picks the partition (acme lands in 0,
// globex in 1), and the group gives each member whole partitions.
const orders = await freshTopic("orders", { partitions: 2 });
const group = groupId("order-workers");
const readers = new Map<number, Set<string>>(); // partition -> the members that read from it
const groupGot = new Map<string, string[]>(); // "worker (partition n)" -> what it read
const members: Consumer[] = [];
for (const name of ["worker-1", "worker-2"]) {
  const consumer = kafka.consumer({
    groupId: group,
    sessionTimeout: 6000,
    rebalanceTimeout: 3000,
    heartbeatInterval: 500,
    maxWaitTimeInMs: 200,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: orders, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      readers.set(partition, (readers.get(partition) ?? new Set()).add(name));
      const key = `${name} (partition ${partition})`;
      groupGot.set(key, [...(groupGot.get(key) ?? []), String(message.value)]);
    },
  });
  members.push(consumer);
}
// Produce only once both members hold a partition, so neither reads the other's share before the rebalance.
const admin = kafka.admin();
await admin.connect();
for (let tries = 0; tries < 75; tries++) {
  const [described] = (await admin.describeGroups([group])).groups;
  if (described?.state === "Stable" && described.members.length === 2) break;
  await sleep(200);
}
await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: orders, messages: events.map((value) => ({ key: customerOf(value), value })) });
await producer.disconnect();
const read = () => [...groupGot.values()].flat();
for (let waited = 0; read().length < events.length && waited < 8000; waited += 50) await sleep(50);
await Promise.all(members.map((m) => m.disconnect()));
report("group", new Map([...groupGot].sort(([a], [b]) => a.localeCompare(b))));
const [p0, p1] = [readers.get(0), readers.get(1)];
const split = p0?.size === 1 && p1?.size === 1 && [...p0][0] !== [...p1][0];
console.log(`group: ${read().length} deliveries, ${split ? "each worker reading one whole partition" : "NOT one partition per worker"}`);
