import { freshTopic, kafka } from "lab";

const topic = await freshTopic("readings", { partitions: 3 });

// Nine records, placed round the three partitions by hand so the result is easy to read.
const producer = kafka.producer();
await producer.connect();
const offsets: string[][] = [[], [], []];
for (let i = 0; i < 9; i++) {
  const partition = i % 3;
  const [meta] = await producer.send({ topic, messages: [{ partition, value: `reading ${i}` }] });
  offsets[partition]!.push(meta!.baseOffset!);
}
await producer.disconnect();

for (const [partition, list] of offsets.entries()) {
  console.log(`partition ${partition}: offsets ${list.join(", ")}`);
}

// The brokers agree: each partition has its own low watermark (oldest offset kept) and high watermark (end of
// what consumers can read). The records a partition holds are the offsets between the two.
const admin = kafka.admin();
await admin.connect();
const watermarks = await admin.fetchTopicOffsets(topic);
for (const p of watermarks.sort((a, b) => a.partition - b.partition)) {
  console.log(`partition ${p.partition}: low watermark ${p.low}, high watermark ${p.high} (${Number(p.high) - Number(p.low)} records)`);
}

// Retention is a topic setting (time and size), not something consumers trigger.
const [described] = (
  await admin.describeConfigs({
    resources: [
      { type: 2 /* ConfigResourceTypes.TOPIC */, name: topic, configNames: ["retention.ms", "retention.bytes", "cleanup.policy"] },
    ],
    includeSynonyms: false,
  })
).resources;
for (const entry of described!.configEntries) console.log(`${entry.configName} = ${entry.configValue}`);
await admin.disconnect();
