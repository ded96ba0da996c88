import { Kafka, logLevel } from "kafkajs";
import { brokers, displayName, labConfig, topic } from "lab";

// Start from one address only, as a real client would. labConfig carries the rest of the course's settings
// (in a classroom, this session's login).
const client = new Kafka({ ...labConfig, clientId: "one-per-broker", brokers: [brokers[0]!], logLevel: logLevel.NOTHING });
const admin = client.admin();
await admin.connect();

const name = topic("one-per-broker");
if ((await admin.listTopics()).includes(name)) await admin.deleteTopics({ topics: [name] });

// The bootstrap broker tells us about all the others.
const brokerIds = (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);

// Partition i starts with broker i, then the next ones round the ring: every broker is preferred exactly once,
// and every partition still has a replica on every broker.
const replicaAssignment = brokerIds.map((_, i) => ({
  partition: i,
  replicas: brokerIds.map((__, k) => brokerIds[(i + k) % brokerIds.length]!),
}));

// createTopics can race with the deletion above finishing on every broker; retry briefly.
for (let attempt = 0; ; attempt++) {
  try {
    await admin.createTopics({ topics: [{ topic: name, replicaAssignment }], waitForLeaders: true });
    break;
  } catch (error) {
    // Created, but the broker asked for its leaders had not replayed it yet: the topic is there.
    if ((error as { type?: string }).type === "UNKNOWN_TOPIC_OR_PARTITION") break;
    if (attempt >= 20 || !String(error).includes("already exists")) throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

console.log(`Created ${displayName(name)} for brokers ${brokerIds.join(", ")}`);
await admin.disconnect();
