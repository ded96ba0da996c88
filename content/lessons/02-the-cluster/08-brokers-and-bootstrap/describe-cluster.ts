import { kafka } from "lab";

const admin = kafka.admin();
await admin.connect();

// kafkajs builds the cluster description from a Metadata request, answered by whichever broker it happens to ask.
const cluster = await admin.describeCluster();
console.log(`Cluster ${cluster.clusterId} has ${cluster.brokers.length} brokers:`);
for (const broker of [...cluster.brokers].sort((a, b) => a.nodeId - b.nodeId)) {
  console.log(`  broker ${broker.nodeId} at ${broker.host}:${broker.port}`);
}

// Ask five times. In KRaft mode the "controller" field names a random live broker, not the node that leads the
// metadata quorum: producers and consumers never talk to controllers, so brokers just point a client at a broker
// that will forward its request.
const reported: (number | null)[] = [];
for (let i = 0; i < 5; i++) reported.push((await admin.describeCluster()).controller);
console.log(`"controller" as reported five times: ${reported.join(", ")}`);

await admin.disconnect();
