import { freshTopic, kafka } from "lab";

const facts = await freshTopic("cluster-facts", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// TODO: fill these in from the cluster itself (describeCluster, describeConfigs on a broker), not by hand.
const clusterId = "?";
const controller = "?";
const brokerCount = "?";
const tieredStorage = "?"; // the broker config remote.log.storage.system.enable

await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: facts,
  messages: [
    { key: "cluster-id", value: clusterId },
    { key: "controller", value: controller },
    { key: "brokers", value: brokerCount },
    { key: "tiered-storage", value: tieredStorage },
  ],
});
await producer.disconnect();
console.log(`recorded: cluster ${clusterId}, controller ${controller}, ${brokerCount} brokers, tiered storage ${tieredStorage}`);
