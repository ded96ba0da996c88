import { freshTopic, kafka } from "lab";

// $ bin/kafka-topics.sh --create --topic audit-events --partitions 3 --bootstrap-server localhost:9092
const name = await freshTopic("audit-events", { partitions: 3 });
const admin = kafka.admin();
await admin.connect();

// TODO: the kafkajs equivalent of
// $ bin/kafka-topics.sh --alter --topic audit-events --partitions 6 --bootstrap-server localhost:9092
// $ bin/kafka-configs.sh --alter --entity-type topics --entity-name audit-events \
//     --add-config retention.ms=86400000 --bootstrap-server localhost:9092

const { topics } = await admin.fetchTopicMetadata({ topics: [name] });
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2 /* TOPIC */, name }] });
const retention = resources[0]!.configEntries.find((e) => e.configName === "retention.ms")!.configValue;
console.log(`audit-events: ${topics[0]!.partitions.length} partitions, retention.ms=${retention}`);
await admin.disconnect();
