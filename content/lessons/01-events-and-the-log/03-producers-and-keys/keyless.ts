import { freshTopic, kafka } from "lab";

const topic = await freshTopic("clicks", { partitions: 3 });

// 12 clicks with no key: the partitioner has no hash to go on, so it spreads them.
const producer = kafka.producer();
await producer.connect();
const perPartition = [0, 0, 0];
for (let i = 0; i < 12; i++) {
  const [meta] = await producer.send({ topic, messages: [{ value: `click ${i}` }] });
  perPartition[meta!.partition]!++;
}
await producer.disconnect();

perPartition.forEach((n, p) => console.log(`partition ${p}: ${n} records`));
const used = perPartition.filter((n) => n > 0).length;
console.log(`Keyless records used ${used} of 3 partitions`);
