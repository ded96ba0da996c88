import { freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

// The cluster description names the controller and lists the nodes.
const admin = kafka.admin();
await admin.connect();
const cluster = await admin.describeCluster();
await admin.disconnect();
const activeController: number = cluster.controller ?? -1;
const leaderEpoch: number = -1; // the cluster description has no epoch
const voters: number[] = cluster.brokers.map((b) => b.nodeId);

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { key: "active-controller", value: String(activeController) },
    { key: "leader-epoch", value: String(leaderEpoch) },
    { key: "voters", value: [...voters].sort((a, b) => a - b).join(",") },
  ],
});
await producer.disconnect();
console.log(`Reported controller ${activeController} in epoch ${leaderEpoch}, voters ${voters.join(",")}`);
