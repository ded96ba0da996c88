// Asks the cluster the same questions, with the same login, and compares with what security-audit holds. The ACL
// count covers only this client's own principal, so other learners' sessions coming and going cannot change it.
import kafkajs, { Kafka, logLevel } from "kafkajs";
import { labConfig, readTopic, topic } from "lab";

const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;
const name = topic("security-audit");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

// A quiet client for the admin calls (a refused describeAcls is an answer here, not news), with the run's login.
const admin = new Kafka({ ...labConfig, clientId: "security-audit-check", logLevel: logLevel.NOTHING }).admin();
await admin.connect();
const cluster = await admin.describeCluster();
const node = cluster.brokers[0]!;
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: ConfigResourceTypes.BROKER, name: String(node.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
const listener =
  (config.get("advertised.listeners") ?? "")
    .split(",")
    .find((l) => l.endsWith(`//${node.host}:${node.port}`))
    ?.split("://")[0] ?? "";
const protocols = new Map(
  (config.get("listener.security.protocol.map") ?? "").split(",").map((pair) => pair.split(":") as [string, string]),
);
const login = (labConfig.sasl as { username?: string } | undefined)?.username;
const principal = login ? `User:${login}` : "User:ANONYMOUS";

const expected = new Map<string, string>();
expected.set("client-protocol", protocols.get(listener) ?? listener);
expected.set("principal", principal);
expected.set("authorizer", config.get("authorizer.class.name") || "none");
const any = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};
let total: number | undefined;
try {
  const { resources: bound } = await admin.describeAcls({ ...any, principal });
  expected.set("acls", String(bound.reduce((n, r) => n + r.acls.length, 0)));
  total = (await admin.describeAcls(any)).resources.reduce((n, r) => n + r.acls.length, 0);
} catch (error) {
  const type = (error as { type?: string }).type;
  expected.set(
    "acls",
    type === "CLUSTER_AUTHORIZATION_FAILED" ? "denied" : type === "SECURITY_DISABLED" ? "disabled" : `error: ${(error as Error).message}`,
  );
}
await admin.disconnect();

const recorded = new Map((await readTopic(name)).map((r) => [String(r.key), String(r.value)]));
const shown = (key: string) => `"${recorded.get(key) ?? "(missing)"}"`;
const hints: Record<string, (got: string | undefined) => string> = {
  "client-protocol": (got) =>
    got === listener
      ? `${listener} is the listener's name; look it up in listener.security.protocol.map to get its protocol.`
      : "Match the address this client uses for a broker (describeCluster) against that broker's advertised.listeners, " +
        "then look the listener's name up in listener.security.protocol.map. Both are broker configs (ConfigResourceTypes.BROKER).",
  principal: () =>
    "The principal comes from the login: User: followed by the SASL user name in labConfig.sasl, or User:ANONYMOUS without one. The clientId is only a label.",
  authorizer: () => "Read authorizer.class.name from a broker's configs (ConfigResourceTypes.BROKER); a topic has no such setting.",
};

for (const [key, value] of expected) {
  const got = recorded.get(key);
  if (got === value) continue;
  if (key === "acls" && total !== undefined && got === String(total) && total !== Number(value))
    fail(
      `"acls" is recorded as ${shown(key)}: that is every binding on the cluster, which changes as other sessions come and go. Count the ${value} that name ${principal} (describeAcls with principal set).`,
    );
  fail(`"${key}" is recorded as ${shown(key)}, but the cluster says "${value}". ${hints[key]?.(got) ?? ""}`.trim());
}
console.log(
  `✓ The audit matches the cluster: this client connects over ${expected.get("client-protocol")} as ${principal}, authorizer ${expected.get("authorizer")}, ${expected.get("acls")} ACL bindings for it.`,
);
