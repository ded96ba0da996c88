import { freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

// TODO: fill these in from the cluster's own answer instead of guessing. The lab's describeQuorum() sends the
// DescribeQuorum request for you (find-controller.ts shows the bytes it sends).
const activeController: number = -1;
const leaderEpoch: number = -1;
const voters: number[] = [];

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
