import { freshTopic, kafka } from "lab";

const topic = await freshTopic("zk-controller", { partitions: 1 });

// Broker 1 starts first, so it wins the election, and a cluster that never lost its controller is in epoch 1.
const controller: number = 1;
const controllerEpoch: number = 1;
const electedAt: number = Date.parse("2025-01-01T00:00:00Z");

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
