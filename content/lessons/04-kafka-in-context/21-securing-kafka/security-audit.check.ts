// Asks the cluster the same questions and compares with what security-audit holds.
import { Kafka, logLevel } from "kafkajs";
import { labConfig, readTopic, topic } from "lab";

const name = topic("security-audit");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

// A quiet client for the admin calls (a refused describeAcls is an answer here, not news), with the run's login.
const admin = new Kafka({ ...labConfig, clientId: "security-audit-check", logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const cluster = await admin.describeCluster();
const expected = new Map<string, string>();
const node = cluster.brokers[0]!;
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: String(node.nodeId) }] });
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
const listener =
  (config.get("advertised.listeners") ?? "")
    .split(",")
    .find((l) => l.endsWith(`//${node.host}:${node.port}`))
    ?.split("://")[0] ?? "";
const protocols = new Map(
  (config.get("listener.security.protocol.map") ?? "").split(",").map((pair) => pair.split(":") as [string, string]),
);
expected.set("client-protocol", protocols.get(listener) ?? listener);
expected.set("authorizer", config.get("authorizer.class.name") || "none");
try {
  const { resources: bound } = await admin.describeAcls({ resourceType: 1, resourcePatternType: 1, operation: 1, permissionType: 1 });
  expected.set("acls", String(bound.reduce((n, r) => n + r.acls.length, 0)));
} catch (error) {
  const type = (error as { type?: string }).type;
  expected.set(
    "acls",
    type === "CLUSTER_AUTHORIZATION_FAILED" ? "denied" : type === "SECURITY_DISABLED" ? "disabled" : `error: ${(error as Error).message}`,
  );
}
await admin.disconnect();

const recorded = new Map((await readTopic(name)).map((r) => [String(r.key), String(r.value)]));

for (const [key, value] of expected) {
  if (recorded.get(key) !== value) fail(`"${key}" is recorded as "${recorded.get(key) ?? "(missing)"}", but the cluster says "${value}".`);
}
console.log(
  `✓ The audit matches the cluster: clients connect over ${expected.get("client-protocol")}, authorizer ${expected.get("authorizer")}, ACLs ${expected.get("acls")}.`,
);
