import { kafka } from "lab";

const admin = kafka.admin();
await admin.connect();

const cluster = await admin.describeCluster();
console.log(`cluster id ${cluster.clusterId}, active controller ${cluster.controller}`);
for (const b of cluster.brokers) console.log(`  broker ${b.nodeId} at ${b.host}:${b.port}`);

// Broker configs say which Apache Kafka features this deployment has switched on.
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: 4 /* BROKER */, name: String(cluster.brokers[0]!.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
const show = (name: string, meaning: string) => console.log(`${name} = ${config.get(name) || "(empty)"}  ← ${meaning}`);
show("process.roles", "KRaft: this node is a broker and a controller (combined mode), no ZooKeeper");
show("group.coordinator.rebalance.protocols", "classic groups, KIP-848 consumer groups, Streams groups");
show("remote.log.storage.system.enable", "tiered storage (KIP-405), part of Apache Kafka, off on this cluster");
show("listener.security.protocol.map", "one SASL listener among plaintext ones (lesson 21)");
show("authorizer.class.name", "the standard authorizer: ACLs are enforced here (lesson 21)");
await admin.disconnect();
