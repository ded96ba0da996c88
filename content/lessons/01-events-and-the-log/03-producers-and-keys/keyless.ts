import { freshTopic, kafka } from "lab";

const topic = await freshTopic("clicks", { partitions: 3 });

// 12 clicks with no key: the partitioner has no hash to go on, so it spreads them.
const producer = kafka.producer();
await producer.connect();
const order: number[] = [];
for (let i = 0; i < 12; i++) {
  const [meta] = await producer.send({ topic, messages: [{ value: `click ${i}` }] });
  order.push(meta!.partition);
}
await producer.disconnect();

console.log(`send order: ${order.join(" ")}`);
// Round-robin: any three sends in a row cover all three partitions, and the pattern repeats.
const rotates = order.every((_, i) => i < 2 || new Set(order.slice(i - 2, i + 1)).size === 3);
console.log(rotates ? "Every 3 consecutive sends used all 3 partitions: round-robin" : "The partitions did not rotate");
for (const p of [0, 1, 2]) console.log(`partition ${p}: ${order.filter((x) => x === p).length} records`);
console.log(`Keyless records used ${new Set(order).size} of 3 partitions`);
