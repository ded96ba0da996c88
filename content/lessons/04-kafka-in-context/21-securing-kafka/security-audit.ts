import kafkajs from "kafkajs";
import { freshTopic, kafka, labConfig } from "lab";

// kafkajs's enums by name (its CommonJS build exports them on the default import only).
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ConfigResourceTypes, ResourcePatternTypes } = kafkajs;
const audit = await freshTopic("security-audit", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// TODO: find out from the cluster (and from the settings the course gave this client, labConfig):
//  - clientProtocol: the security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL) of the listener this client uses
//  - principal: who the brokers think this client is: User:<SASL user name>, or User:ANONYMOUS without a login
//  - authorizer: the broker config authorizer.class.name, or "none" when it is empty
//  - acls: how many ACL bindings name that principal; "denied" if this client may not list ACLs
//    (CLUSTER_AUTHORIZATION_FAILED), "disabled" if the broker has no authorizer (SECURITY_DISABLED)
const clientProtocol = "?";
const principal = "?";
const authorizer = "?";
const acls = "?";

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
