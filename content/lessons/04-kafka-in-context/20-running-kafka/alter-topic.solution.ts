import { freshTopic, kafka, readTopic } from "lab";

// $ bin/kafka-topics.sh --create --topic audit-events --partitions 3 --bootstrap-server localhost:9092
const name = await freshTopic("audit-events", { partitions: 3 });

// Setup: yesterday's audit trail is already in the topic, one login per user, keyed by user.
const users = ["alice", "bob", "carol", "dave", "erin", "frank"];
const yesterday = kafka.producer();
await yesterday.connect();
await yesterday.send({ topic: name, messages: users.map((user) => ({ key: user, value: `before: ${user} logged in` })) });
await yesterday.disconnect();

const admin = kafka.admin();
await admin.connect();

// $ bin/kafka-topics.sh --alter --topic audit-events --partitions 6 --bootstrap-server localhost:9092
// Partitions can only be added, never removed, and keys may now hash to a different partition.
await admin.createPartitions({ topicPartitions: [{ topic: name, count: 6 }] });

// $ bin/kafka-configs.sh --alter --entity-type topics --entity-name audit-events \
//     --add-config retention.ms=86400000 --bootstrap-server localhost:9092
// kafkajs alterConfigs replaces the whole set of overrides for the topic: list every one you want to keep.
await admin.alterConfigs({
  validateOnly: false,
  resources: [{ type: 2 /* TOPIC */, name, configEntries: [{ name: "retention.ms", value: "86400000" }] }],
});

// $ bin/kafka-topics.sh --describe --topic audit-events --bootstrap-server localhost:9092
const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name }] });
const retention = resources[0]!.configEntries.find((e) => e.configName === "retention.ms")!.configValue;
console.log(`audit-events: ${topics[0]!.partitions.length} partitions, retention.ms=${retention}`);
await admin.disconnect();

// Today's logins, from a producer started after the change. (A producer that was already running would notice
// new partitions only at its next metadata refresh: metadata.max.age.ms, 5 minutes by default.)
const today = kafka.producer();
await today.connect();
await today.send({ topic: name, messages: users.map((user) => ({ key: user, value: `after: ${user} logged in` })) });
await today.disconnect();

// Old records stay where they were written; a key may now hash to another partition.
const records = await readTopic(name);
for (const user of users) {
  const [then, now] = ["before", "after"].map((when) => records.find((r) => r.key === user && r.value!.startsWith(when))?.partition);
  if (then === undefined) console.log(`${user}: yesterday's login is gone, today in partition ${now}`);
  else console.log(`${user}: yesterday in partition ${then}, today in partition ${now}${then === now ? "" : "  ← moved"}`);
}
