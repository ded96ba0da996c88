import crypto from "node:crypto";
import kafkajs, { Kafka, logLevel } from "kafkajs";
import { addAcl, courseCa, deleteScramUser, displayName, freshTopic, kafka, readTopic, removeAcl, scramUser, tlsBrokers } from "lab";

// kafkajs's enums, by name (its CommonJS build exports them on the default import only).
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

// Two topics under this session's names, and a SCRAM user "billing" with the same rights as this session:
// everything on names that start with its prefix (a prefixed ALLOW).
const reports = await freshTopic("billing-reports", { partitions: 1 });
const payroll = await freshTopic("billing-payroll", { partitions: 1 });
const password = crypto.randomUUID();
const billing = await scramUser("billing", password);
const client = new Kafka({
  clientId: "billing",
  brokers: tlsBrokers(),
  ssl: { ca: [courseCa()] },
  sasl: { mechanism: "scram-sha-512", username: billing.user, password },
  retry: { retries: 0 },
  logLevel: logLevel.NOTHING,
});
const producer = client.producer({ allowAutoTopicCreation: false });
await producer.connect();

/** Writes one record to `topic` as billing and says whether the broker took it. */
async function write(topic: string): Promise<string> {
  try {
    await producer.send({ topic, acks: -1, messages: [{ value: "payslip" }] });
    return "written";
  } catch (error) {
    return `refused (${(error as { type?: string }).type ?? (error as Error).message})`;
  }
}

/** The ACL bindings that name billing, as the authorizer lists them (Describe on the cluster lets this run ask). */
async function listAcls(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const { resources } = await admin.describeAcls({
    principal: billing.principal,
    resourceType: AclResourceTypes.ANY,
    resourcePatternType: ResourcePatternTypes.ANY,
    operation: AclOperationTypes.ANY,
    permissionType: AclPermissionTypes.ANY,
  });
  await admin.disconnect();
  const name = <T extends object>(values: T, value: number) => Object.entries(values).find(([, v]) => v === value)?.[0];
  const lines = resources.flatMap((r) =>
    r.acls.map(
      (a) =>
        `  ${name(AclPermissionTypes, a.permissionType)} ${name(AclOperationTypes, a.operation)} on ${name(AclResourceTypes, r.resourceType)} ` +
        `${r.resourceName === "*" ? "*" : displayName(r.resourceName) || "(your prefix)"} (${name(ResourcePatternTypes, r.resourcePatternType)})`,
    ),
  );
  console.log(
    lines
      .filter((line) => / on (TOPIC|GROUP) /.test(line))
      .sort()
      .join("\n"),
  );
}

console.log(`before: reports ${await write(reports)}, payroll ${await write(payroll)}`);

// The exception: billing may not write payroll. kafka-acls.sh --add --deny-principal User:… --operation Write --topic …
const deny = { principal: billing.principal, name: "billing-payroll", operation: "write", permission: "deny" } as const;
await addAcl(deny);
console.log("billing's ACLs on topics and groups:");
await listAcls();
console.log(`with the DENY: reports ${await write(reports)}, payroll ${await write(payroll)}`);

await removeAcl(deny);
console.log(`DENY removed: payroll ${await write(payroll)}`);

await producer.disconnect();
await deleteScramUser("billing");
console.log(`records in payroll: ${(await readTopic(payroll)).length} (the write the DENY refused is not among them)`);
