import kafkajs from "kafkajs";
import { freshTopic, kafka, labConfig } from "lab";

// kafkajs's enums by name (its CommonJS build exports them on the default import only).
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;
const audit = await freshTopic("security-audit", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// The address this client was given for broker N is one of broker N's advertised listeners.
const cluster = await admin.describeCluster();
const node = cluster.brokers[0]!;
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: ConfigResourceTypes.BROKER, name: String(node.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));

// advertised.listeners = NAME://host:port,… ; listener.security.protocol.map = NAME:PROTOCOL,…
const listener = config
  .get("advertised.listeners")!
  .split(",")
  .find((l) => l.endsWith(`//${node.host}:${node.port}`))!
  .split("://")[0]!;
const protocols = new Map(
  config
    .get("listener.security.protocol.map")!
    .split(",")
    .map((pair) => pair.split(":") as [string, string]),
);
const clientProtocol = protocols.get(listener) ?? listener; // a listener named after its protocol needs no mapping

// The principal comes from the login, not from the clientId: a SASL user, or ANONYMOUS without credentials.
const login = (labConfig.sasl as { username?: string } | undefined)?.username;
const principal = login ? `User:${login}` : "User:ANONYMOUS";

const authorizer = config.get("authorizer.class.name") || "none";

// Listing ACLs needs Describe on the Cluster resource; without an authorizer there are no ACLs to list. Only this
// principal's bindings: the cluster-wide total changes whenever another learner's session comes or goes.
let acls: string;
try {
  const { resources: bound } = await admin.describeAcls({
    principal,
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  acls = String(bound.reduce((n, r) => n + r.acls.length, 0));
} catch (error) {
  const type = (error as { type?: string }).type;
  acls =
    type === "CLUSTER_AUTHORIZATION_FAILED" ? "denied" : type === "SECURITY_DISABLED" ? "disabled" : `error: ${(error as Error).message}`;
}

await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: audit,
  messages: [
    { key: "client-protocol", value: clientProtocol },
    { key: "principal", value: principal },
    { key: "authorizer", value: authorizer },
    { key: "acls", value: acls },
  ],
});
await producer.disconnect();
console.log(`audit: client-protocol=${clientProtocol} principal=${principal} authorizer=${authorizer} acls=${acls}`);
