import { describeQuorum, freshTopic, kafka } from "lab";

const facts = await freshTopic("cluster-facts", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// Ask the cluster: any broker answers for all of them.
const cluster = await admin.describeCluster();
const clusterId = cluster.clusterId;
const brokerCount = String(cluster.brokers.length);
// Every node of this cluster is a controller: record the quorum's voters.
const quorum = await describeQuorum();
const controller = quorum.voters.map((v) => v.id).join(",");
const controllerEpoch = String(quorum.leaderEpoch);
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: 4 /* ConfigResourceTypes.BROKER */, name: String(cluster.brokers[0]!.nodeId) }],
});
const tieredStorage = resources[0]!.configEntries.find((e) => e.configName === "remote.log.storage.system.enable")!.configValue;

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
