import { freshTopic, kafka } from "lab";

const topic = await freshTopic("orders", { partitions: 3 });

/** murmur2 as Kafka's clients compute it (32-bit, seed 0x9747b28c), written out so you can see there is no magic. */
function murmur2(data: Buffer): number {
  const m = 0x5bd1e995;
  let h = (0x9747b28c ^ data.length) | 0;
  let i = 0;
  for (; i + 4 <= data.length; i += 4) {
    let k = data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    k = Math.imul(k, m);
    k ^= k >>> 24;
    k = Math.imul(k, m);
    h = Math.imul(h, m) ^ k;
  }
  const rest = data.length - i;
  if (rest === 3) h ^= data[i + 2]! << 16;
  if (rest >= 2) h ^= data[i + 1]! << 8;
  if (rest >= 1) h = Math.imul(h ^ data[i]!, m);
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h;
}
/** The default partitioner: drop the sign bit, then take the hash modulo the partition count. */
const predict = (key: string, partitions: number) => (murmur2(Buffer.from(key)) & 0x7fffffff) % partitions;

// 20 orders from 5 customers; the customer id is the key.
const customers = ["alice", "bob", "carol", "dave", "erin"];
const messages = Array.from({ length: 20 }, (_, i) => ({ key: customers[i % 5]!, value: `order ${i + 1}` }));

const producer = kafka.producer();
await producer.connect();
const byPartition = new Map<number, string[]>();
let matches = 0;
for (const message of messages) {
  const [meta] = await producer.send({ topic, messages: [message] });
  const landed = meta!.partition;
  byPartition.set(landed, [...(byPartition.get(landed) ?? []), message.key]);
  if (landed === predict(message.key, 3)) matches++;
}
await producer.disconnect();

for (const [partition, keys] of [...byPartition.entries()].sort((a, b) => a[0] - b[0])) {
  console.log(`partition ${partition}: ${keys.join(" ")}`);
}
for (const key of customers) console.log(`murmur2("${key}") -> partition ${predict(key, 3)}`);
console.log(`${matches} of ${messages.length} records landed where murmur2 predicted`);
