import { freshTopic, kafka } from "lab";

// This client presents no credentials at all: no certificate, no username, no token.
const admin = kafka.admin();
await admin.connect();

const cluster = await admin.describeCluster();
console.log(`anonymous client sees cluster ${cluster.clusterId} with ${cluster.brokers.length} brokers`);
console.log(`anonymous client can list ${(await admin.listTopics()).length} topics (everyone's, not just its own)`);

const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: 4 /* BROKER */, name: String(cluster.brokers[0]!.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
console.log(`listener.security.protocol.map = ${config.get("listener.security.protocol.map")}`);
console.log(`authorizer.class.name = ${config.get("authorizer.class.name") || "(none)"}`);

// Without an authorizer there are no ACLs to ask about: the broker says so.
try {
  // 1 is ANY in each of these kafkajs enums: match every ACL on every resource.
  await admin.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 });
  console.log("ACLs: an authorizer is configured");
} catch (error) {
  console.log(`ACLs: ${(error as Error).message}`);
}

// And nothing stops it from creating and deleting topics.
const scratch = await freshTopic("anyone-can-create-this", { partitions: 1 });
await admin.deleteTopics({ topics: [scratch] });
console.log("anonymous client created and deleted a topic");
await admin.disconnect();
