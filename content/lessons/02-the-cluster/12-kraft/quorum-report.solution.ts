import { describeQuorum, freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

// The leader of the metadata quorum is the active controller; the voters are the controller nodes.
const quorum = await describeQuorum();
const activeController: number = quorum.leaderId;
const leaderEpoch: number = quorum.leaderEpoch;
const voters: number[] = quorum.voters.map((v) => v.id);

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
