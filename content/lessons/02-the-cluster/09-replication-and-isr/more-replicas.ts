import { freshTopic, kafka } from "lab";

// An old topic that someone created with a single copy of each partition. Its producer chose the partitions
// itself (round robin), so a record's partition does not follow from its key.
const legacy = await freshTopic("legacy-events", { partitions: 3, replicationFactor: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: legacy,
  messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `event ${i}`, partition: i % 3 })),
});

// TODO: create "legacy-events-rf3" with 3 partitions and replication factor 3 (freshTopic takes both options).

// TODO: read every record of legacy-events from the beginning, and write each one to legacy-events-rf3
// with the same key, value and partition, in the same order. Stop once all 30 are copied, then disconnect everything.

await producer.disconnect();
console.log("Copied 0 records");
