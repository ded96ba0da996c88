import { describeQuorum, freshTopic, kafka } from "lab";

const topic = await freshTopic("zk-controller", { partitions: 1 });

// The quorum knows who the controller is and in which epoch; it does not say since when, so take the time now.
const quorum = await describeQuorum();
const controller: number = quorum.leaderId;
const controllerEpoch: number = quorum.leaderEpoch;
const electedAt: number = Date.now();

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { key: "controller", value: String(controller) },
    { key: "controller-epoch", value: String(controllerEpoch) },
    { key: "elected-at", value: String(electedAt) },
  ],
});
await producer.disconnect();
console.log(`Reported controller ${controller} in epoch ${controllerEpoch}, elected at ${electedAt}`);
