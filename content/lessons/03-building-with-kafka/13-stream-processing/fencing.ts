import { createRequire } from "node:module";
import { freshTopic, groupId, kafka, kafkaRequest, transactionalId } from "lab";

// 1. Which TxnOffsetCommit versions (API key 28) the broker accepts, from a hand-built ApiVersions v0 request.
const clientId = Buffer.from("offset-lab");
const header = Buffer.alloc(10);
header.writeInt16BE(18, 0); // api_key 18: ApiVersions
header.writeInt16BE(0, 2); // api_version 0: no body, no tagged fields
header.writeInt32BE(1, 4); // correlation_id
header.writeInt16BE(clientId.length, 8);
const response = await kafkaRequest(Buffer.concat([header, clientId]));
let broker = "";
for (let i = 0, pos = 10; i < response.readInt32BE(6); i++, pos += 6) {
  if (response.readInt16BE(pos) === 28) broker = `v${response.readInt16BE(pos + 2)}–v${response.readInt16BE(pos + 4)}`;
}
// kafkajs lists the versions it can build in its request module (pinned at 2.2.4 in this course).
const require = createRequire(import.meta.url);
const { versions } = require("kafkajs/src/protocol/requests/txnOffsetCommit") as { versions: string[] };
console.log(`TxnOffsetCommit: the broker accepts ${broker}; kafkajs 2.2.4 sends v${versions[0]}–v${versions.at(-1)}`);
console.log("  (v3 and later carry the group's generation and member id, which exactly_once_v2 relies on)");

// 2. Two instances that share one fixed transactional id: the second one fences the first.
const output = await freshTopic("fx-fencing", { partitions: 1 });
const shared = transactionalId("fx-converter");
const a = kafka.producer({ transactionalId: shared, idempotent: true, maxInFlightRequests: 1 });
await a.connect();
const txA = await a.transaction();
await txA.send({ topic: output, messages: [{ key: "A", value: "converted by instance A" }] });
console.log("instance A: transaction open, 1 record written");

const b = kafka.producer({ transactionalId: shared, idempotent: true, maxInFlightRequests: 1 });
await b.connect();
// kafkajs registers the transactional id at the first transaction(): InitProducerId with the same id makes the
// coordinator abort A's open transaction and raise the id's epoch, so A's old epoch is no longer accepted.
const txB = await b.transaction();
console.log("instance B: began a transaction with the same transactional id");
try {
  await txA.commit();
  console.log("instance A: committed");
} catch (error) {
  console.log(`instance A: commit refused (${(error as Error).message})`);
}
await txB.send({ topic: output, messages: [{ key: "B", value: "converted by instance B" }] });
await txB.commit();
await Promise.all([a.disconnect(), b.disconnect()]);

// 3. The pattern that scales with kafkajs: one transactional id per input partition, not per instance.
for (const partition of [0, 1]) {
  const p = kafka.producer({ transactionalId: transactionalId(`fx-converter-p${partition}`), idempotent: true, maxInFlightRequests: 1 });
  await p.connect();
  const tx = await p.transaction();
  await tx.send({ topic: output, messages: [{ key: `p${partition}`, value: `converted input partition ${partition}` }] });
  await tx.commit();
  await p.disconnect();
}
console.log("ids fx-converter-p0 and fx-converter-p1: both committed, neither fences the other");

// A read_committed reader (the kafkajs default). It stops at p1, the last committed record: anything of A's would
// have come before it.
const seen: string[] = [];
const reader = kafka.consumer({ groupId: groupId("fx-fencing-audit") });
await reader.connect();
await reader.subscribe({ topic: output, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void reader.run({
    eachMessage: async ({ message }) => {
      seen.push(String(message.key));
      if (String(message.key) === "p1") {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await reader.disconnect();
console.log(`read_committed sees ${seen.length} records: ${seen.join(", ")}`);
