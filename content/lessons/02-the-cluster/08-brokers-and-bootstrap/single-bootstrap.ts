import { Kafka, logLevel } from "kafkajs";
import { brokers, freshTopic, labConfig } from "lab";

// A topic with one partition per broker, so the leaders are spread over the cluster.
const topic = await freshTopic("bootstrap-demo", { partitions: 3 });

// A client that knows a single address: the last broker in the list. The rest of its settings (in a classroom,
// this session's login) come from labConfig.
const bootstrap = brokers[brokers.length - 1]!;
const client = new Kafka({ ...labConfig, clientId: "one-address", brokers: [bootstrap], logLevel: logLevel.NOTHING });
console.log(`Bootstrap address: ${bootstrap}`);

// The first metadata answer lists every broker and every partition leader.
const admin = client.admin();
await admin.connect();
const { brokers: known } = await admin.describeCluster();
console.log(
  `Discovered ${known.length} brokers: ${known
    .map((b) => `${b.host}:${b.port}`)
    .sort()
    .join(", ")}`,
);
const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
for (const p of metadata!.partitions) console.log(`  partition ${p.partitionId} is led by broker ${p.leader}`);
await admin.disconnect();

// Produce to every partition and note which addresses the producer actually sent Produce requests to.
const producer = client.producer();
const producedTo = new Set<string>();
producer.on(producer.events.REQUEST, ({ payload }) => {
  if (payload.apiName === "Produce") producedTo.add(payload.broker);
});
await producer.connect();
await producer.send({ topic, messages: [0, 1, 2].map((partition) => ({ partition, value: `to partition ${partition}` })) });
await producer.disconnect();
console.log(`Produce requests went to ${producedTo.size} brokers: ${[...producedTo].sort().join(", ")}`);
