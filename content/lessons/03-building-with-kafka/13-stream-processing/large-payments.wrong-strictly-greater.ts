import { freshTopic, groupId, kafka } from "lab";

const input = await freshTopic("card-payments", { partitions: 3 });
const output = await freshTopic("large-payments", { partitions: 3 });

const payments = [
  { id: "p1", account: "alice", amount: 12 },
  { id: "p2", account: "bob", amount: 450 },
  { id: "p3", account: "carol", amount: 99 },
  { id: "p4", account: "alice", amount: 100 },
  { id: "p5", account: "dave", amount: 3 },
  { id: "p6", account: "bob", amount: 1200 },
  { id: "p7", account: "erin", amount: 60 },
  { id: "p8", account: "carol", amount: 310 },
];
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: input, messages: payments.map((p) => ({ key: p.account, value: JSON.stringify(p) })) });

const processor = kafka.consumer({ groupId: groupId("large-payment-filter") });
await processor.connect();
await processor.subscribe({ topic: input, fromBeginning: true });
let processed = 0;
await new Promise<void>((resolve) => {
  void processor.run({
    eachMessage: async ({ message }) => {
      const payment = JSON.parse(String(message.value)) as { id: string; account: string; amount: number };
      if (payment.amount > 100) {
        // Same key in, same key out: one account's payments stay in one partition, in order.
        await producer.send({ topic: output, messages: [{ key: message.key, value: message.value }] });
        console.log(`forwarded ${payment.id}`);
      }
      if (++processed === payments.length) resolve();
    },
  });
});
await processor.disconnect();
await producer.disconnect();
