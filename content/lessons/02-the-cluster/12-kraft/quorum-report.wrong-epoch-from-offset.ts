import { describeQuorum, freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

const quorum = await describeQuorum();
const activeController: number = quorum.leaderId;
// The epoch: how far the metadata log has come.
const leaderEpoch: number = Number(quorum.highWatermark);
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
