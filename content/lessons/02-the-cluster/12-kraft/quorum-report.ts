import { describeQuorum, freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

const quorum = await describeQuorum(); // the lab speaks DescribeQuorum for you (find-controller.ts shows how)
console.log(`The quorum answered from leader epoch ${quorum.leaderEpoch}`);

// TODO: fill these in from the quorum's answer instead of guessing.
const activeController: number = -1;
const voters: number[] = [];

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { key: "active-controller", value: String(activeController) },
    { key: "voters", value: [...voters].sort((a, b) => a - b).join(",") },
  ],
});
await producer.disconnect();
console.log(`Reported controller ${activeController}, voters ${voters.join(",")}`);
