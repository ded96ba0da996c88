import { describeQuorum, freshTopic, kafka } from "lab";

const facts = await freshTopic("cluster-facts", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// Ask the cluster: any broker answers for all of them.
const cluster = await admin.describeCluster();
const clusterId = cluster.clusterId;
const brokerCount = String(cluster.brokers.length);
// The active controller is the quorum's leader. (describeCluster().controller is a random live broker in KRaft.)
const quorum = await describeQuorum();
const controller = String(quorum.leaderId);
const controllerEpoch = String(quorum.leaderEpoch);
// Tiered storage is switched on per topic, so ask the topic.
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: facts }] });
const tieredStorage = String(resources[0]!.configEntries.find((e) => e.configName === "remote.log.storage.system.enable")?.configValue);

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
