import { Kafka, logLevel } from "kafkajs";
import { brokers, displayName, labConfig, topic } from "lab";

// Start from one address only, as a real client would. labConfig carries the rest of the course's settings
// (in a classroom, this session's login).
const client = new Kafka({ ...labConfig, clientId: "one-per-broker", brokers: [brokers[0]!], logLevel: logLevel.NOTHING });
const admin = client.admin();
await admin.connect();

const name = topic("one-per-broker");
if ((await admin.listTopics()).includes(name)) await admin.deleteTopics({ topics: [name] });

// TODO: ask the cluster which brokers it has (do not hard-code the ids or the count).
const brokerIds: number[] = [];

// TODO: one partition per broker, each with a replica on every broker, and give every broker the first
// (preferred) replica of exactly one partition. replicaAssignment lists, per partition, the broker ids of its
// replicas; the first one is the preferred leader.
const replicaAssignment: { partition: number; replicas: number[] }[] = [];

// createTopics can race with the deletion above finishing on every broker; retry briefly.
for (let attempt = 0; ; attempt++) {
  try {
    const spec = replicaAssignment.length ? { topic: name, replicaAssignment } : { topic: name, numPartitions: 1 };
    await admin.createTopics({ topics: [spec], waitForLeaders: true });
    break;
  } catch (error) {
    if (attempt >= 20 || !String(error).includes("already exists")) throw error;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

console.log(`Created ${displayName(name)} for brokers ${brokerIds.join(", ")}`);
await admin.disconnect();
