import { freshTopic, kafka } from "lab";

const audit = await freshTopic("security-audit", { partitions: 1 });
const admin = kafka.admin();
await admin.connect();

// TODO: find out from the cluster:
//  - clientProtocol: the security protocol (PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL) of the listener this client uses
//  - authorizer: the broker config authorizer.class.name, or "none" when it is empty
//  - acls: the number of ACL bindings describeAcls returns; "denied" if this client may not list ACLs
//    (CLUSTER_AUTHORIZATION_FAILED), "disabled" if the broker has no authorizer (SECURITY_DISABLED)
const clientProtocol = "?";
const authorizer = "?";
const acls = "?";

await admin.disconnect();
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: audit,
  messages: [
    { key: "client-protocol", value: clientProtocol },
    { key: "authorizer", value: authorizer },
    { key: "acls", value: acls },
  ],
});
await producer.disconnect();
console.log(`audit: client-protocol=${clientProtocol} authorizer=${authorizer} acls=${acls}`);
