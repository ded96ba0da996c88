import { freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

// A three-node cluster: node 1 starts first, so it is the controller.
const activeController: number = 1;
const leaderEpoch: number = -1; // unknown without asking
const voters: number[] = [1, 2, 3];

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
