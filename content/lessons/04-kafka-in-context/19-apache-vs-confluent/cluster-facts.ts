import { describeQuorum, freshTopic, kafka } from "lab";

const facts = await freshTopic("cluster-facts", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// TODO: fill these in from the cluster itself, not by hand: describeCluster() for the id and the brokers,
//       describeQuorum() for the active controller and its leader epoch, describeConfigs on a broker for the rest.
const clusterId = "?";
const controller = "?"; // node id of the active controller
const controllerEpoch = "?"; // the quorum's leader epoch: it grows by one at every controller election
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
    { key: "controller-epoch", value: controllerEpoch },
    { key: "brokers", value: brokerCount },
    { key: "tiered-storage", value: tieredStorage },
  ],
});
await producer.disconnect();
console.log(
  `recorded: cluster ${clusterId}, controller ${controller} (epoch ${controllerEpoch}), ${brokerCount} brokers, tiered storage ${tieredStorage}`,
);
