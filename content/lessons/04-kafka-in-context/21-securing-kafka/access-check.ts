import kafkajs, { Kafka, logLevel } from "kafkajs";
import { brokers, displayName, freshTopic, kafka, labConfig } from "lab";

// kafkajs's enums, by name rather than as bare numbers (its CommonJS build exports them on the default import only).
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;

// labConfig is what the course gives every client: the bootstrap addresses and, in a classroom, a SASL login.
const login = (labConfig.sasl as { username?: string } | undefined)?.username;
const admin = kafka.admin();
await admin.connect();

// How is the cluster set up? Any client allowed to read broker configs can find out.
const cluster = await admin.describeCluster();
const node = cluster.brokers[0]!;
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: ConfigResourceTypes.BROKER, name: String(node.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
console.log(`listener.security.protocol.map = ${config.get("listener.security.protocol.map")}`);
console.log(`authorizer.class.name = ${config.get("authorizer.class.name") || "(none)"}`);

// Which listener is this run on? A broker answers with the addresses of the listener the request came in on.
const listener =
  (config.get("advertised.listeners") ?? "")
    .split(",")
    .find((l) => l.endsWith(`//${node.host}:${node.port}`))
    ?.split("://")[0] ?? "?";
const protocols = new Map(
  (config.get("listener.security.protocol.map") ?? "").split(",").map((pair) => pair.split(":") as [string, string]),
);
const principal = login ? `User:${login}` : "User:ANONYMOUS";
console.log(
  `this run connects through listener ${listener} (${protocols.get(listener)}) as ${principal}${login ? " (SASL/PLAIN login)" : " (no credentials)"}`,
);

// Listing ACLs needs Describe on the Cluster resource. ANY in each filter field matches every ACL.
const any = {
  resourceType: AclResourceTypes.ANY,
  resourcePatternType: ResourcePatternTypes.ANY,
  operation: AclOperationTypes.ANY,
  permissionType: AclPermissionTypes.ANY,
};
const name = (table: Record<string, string | number>, value: number) => Object.keys(table).find((k) => table[k] === value) ?? value;
try {
  const { resources: bound } = await admin.describeAcls(any);
  const mine = await admin.describeAcls({ ...any, principal });
  const count = (rs: typeof bound) => rs.reduce((n, r) => n + r.acls.length, 0);
  console.log(`describeAcls: allowed, ${count(bound)} ACL bindings on the cluster, ${count(mine.resources)} of them for ${principal}`);
  for (const r of mine.resources)
    for (const acl of r.acls)
      console.log(
        `  ${name(AclPermissionTypes, acl.permissionType)} ${name(AclOperationTypes, acl.operation)} on ${name(AclResourceTypes, r.resourceType)} ` +
          `${r.resourceName} (${name(ResourcePatternTypes, r.resourcePatternType)}) from host ${acl.host}`,
      );
} catch (error) {
  console.log(`describeAcls: denied (${(error as { type?: string }).type ?? (error as Error).message})`);
}

// A topic under this run's own names (lab's topic() adds the classroom prefix) ...
const own = await freshTopic("access-check", { partitions: 1 });
console.log(`created its own topic ${displayName(own)}`);
await admin.deleteTopics({ topics: [own] });

// ... and one outside them: no prefix at all.
const outside = `outside-${Math.random().toString(16).slice(2, 8)}`;
let created = false;
try {
  await admin.createTopics({ topics: [{ topic: outside, numPartitions: 1 }], waitForLeaders: false });
  await admin.deleteTopics({ topics: [outside] });
  created = true;
  console.log(`topic ${outside} outside its own names: allowed, created and deleted`);
} catch (error) {
  const cause =
    (error as { errors?: { type?: string }[] }).errors?.[0]?.type ?? (error as { type?: string }).type ?? (error as Error).message;
  console.log(`topic ${outside} outside its own names: denied (${cause})`);
}
if (!login && created) console.log(`verdict: ${principal} on ${listener} is a super user: nothing stops it`);
else if (login && !created) console.log(`verdict: ${principal} on ${listener} is held to its own names by ACLs`);
else console.log(`verdict: unexpected: ${principal} on ${listener} ${created ? "could" : "could not"} create ${outside}`);
await admin.disconnect();

// Last, a client with the right user name and a wrong password, against the LEARNER (SASL) listener. In a
// classroom that is the listener this run already uses; otherwise its ports are the client ports + 200.
const learnerBrokers = login
  ? brokers
  : brokers.map((address) => address.replace(/:(\d+)$/, (_, port: string) => `:${Number(port) + 200}`));
const intruder = new Kafka({
  ...labConfig,
  clientId: "wrong-password",
  brokers: learnerBrokers,
  sasl: { mechanism: "plain", username: login ?? "s-000000000000", password: "not-the-password" },
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
}).admin();
try {
  await intruder.connect();
  console.log("wrong password on LEARNER listener: connected (!)");
} catch (error) {
  const { name, message } = error as Error;
  // The broker answers SaslAuthenticate with error 58, SASL_AUTHENTICATION_FAILED; kafkajs wraps it.
  if (name === "KafkaJSSASLAuthenticationError")
    console.log(`wrong password on LEARNER listener: rejected (SASL_AUTHENTICATION_FAILED): ${message}`);
  else console.log(`wrong password on LEARNER listener: not reachable from this run (${message})`);
} finally {
  await intruder.disconnect().catch(() => {});
}
