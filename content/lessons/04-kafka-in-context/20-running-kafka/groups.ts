import { freshTopic, groupId, kafka } from "lab";

const orders = await freshTopic("quickstart-orders", { partitions: 3 });
const group = groupId("order-service");
const producer = kafka.producer();
await producer.connect();
const send = (ids: number[]) =>
  producer.send({ topic: orders, messages: ids.map((i) => ({ key: `customer-${i % 4}`, value: `order ${i}` })) });

await send([1, 2, 3, 4, 5, 6]);
// The group reads all six and commits, then three more orders arrive while it is offline.
const consumer = kafka.consumer({ groupId: group });
await consumer.connect();
await consumer.subscribe({ topic: orders, fromBeginning: true });
let seen = 0;
await new Promise<void>((resolve) => {
  void consumer.run({ eachMessage: async () => void (++seen === 6 && resolve()) });
});
await consumer.disconnect();
await send([7, 8, 9]);
await producer.disconnect();

const admin = kafka.admin();
await admin.connect();

// $ bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --list
const { groups } = await admin.listGroups();
console.log(`[--list] order-service is listed: ${groups.some((g) => g.groupId === group)}`);

/** $ bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --describe --group order-service */
async function describe(label: string): Promise<void> {
  const { state } = (await admin.describeGroups([group])).groups[0]!;
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [orders] });
  const ends = await admin.fetchTopicOffsets(orders);
  let total = 0;
  for (const end of ends.sort((a, b) => a.partition - b.partition)) {
    const current = Number(committed!.partitions.find((p) => p.partition === end.partition)?.offset ?? -1);
    const lag = Number(end.high) - Math.max(current, 0);
    total += lag;
    console.log(`[${label}] PARTITION ${end.partition} CURRENT-OFFSET ${current} LOG-END-OFFSET ${end.high} LAG ${lag}`);
  }
  console.log(`[${label}] state ${state}, total lag ${total}`);
}
await describe("--describe");

// $ bin/kafka-consumer-groups.sh --bootstrap-server localhost:9092 --group order-service \
//     --topic quickstart-orders --reset-offsets --to-earliest --execute
// The CLI resolves "earliest" to real offsets before it commits them; do the same. (kafkajs' own
// resetOffsets({ earliest: true }) commits a -2 marker that the next consumer resolves when it starts.)
const starts = await admin.fetchTopicOffsets(orders);
await admin.setOffsets({ groupId: group, topic: orders, partitions: starts.map((p) => ({ partition: p.partition, offset: p.low })) });
await describe("after --reset-offsets --to-earliest");
await admin.disconnect();
