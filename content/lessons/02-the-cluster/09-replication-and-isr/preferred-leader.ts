import { freshTopic, kafka, kafkaRequest, sleep, topic as topicName } from "lab";

// Works on the topic watch-partition.ts made (or a new one), so you can fix the leaders your failover moved.
const admin = kafka.admin();
await admin.connect();
const topic = (await admin.listTopics()).includes(topicName("failover-demo"))
  ? topicName("failover-demo")
  : await freshTopic("failover-demo", { partitions: 3 });

async function show(when: string): Promise<void> {
  const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
  console.log(when);
  for (const p of metadata!.partitions.sort((a, b) => a.partitionId - b.partitionId)) {
    const mark = p.leader === p.replicas[0] ? "" : "  <- not the preferred leader";
    console.log(`  partition ${p.partitionId}: leader ${p.leader}, preferred ${p.replicas[0]}, ISR [${p.isr.join(", ")}]${mark}`);
  }
}
await show("Before the election:");

// kafkajs 2.2.4 has no electLeaders(), so we send Kafka's ElectLeaders request (API key 43, version 1) ourselves.
// Any broker accepts it and forwards it to the active controller.
const str = (s: string) => Buffer.concat([int16(Buffer.byteLength(s)), Buffer.from(s)]);
function int16(n: number) {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
function int32(n: number) {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

const partitions = [0, 1, 2];
const body = Buffer.concat([
  Buffer.from([0]), // election type 0 = preferred
  int32(1),
  str(topic),
  int32(partitions.length),
  ...partitions.map(int32), // one topic and its partitions
  int32(10_000), // timeout in ms
]);
const request = Buffer.concat([int16(43), int16(1), int32(1), str("offset-lab"), body]); // header: api, version, correlation id, client id
// The lab sends it to a broker that answers (one may be stopped), logging in first where the listener needs it.
const response = await kafkaRequest(request);

// Response: correlation id, throttle ms, error code, then per topic a list of (partition, error code, message).
const errorNames: Record<number, string> = { 0: "elected", 80: "PREFERRED_LEADER_NOT_AVAILABLE", 84: "ELECTION_NOT_NEEDED" };
let at = 4 + 4;
const topLevelError = response.readInt16BE(at);
at += 2;
if (topLevelError === 31) {
  // CLUSTER_AUTHORIZATION_FAILED: elections need the cluster-wide ALTER permission, which a shared classroom withholds.
  console.log("Preferred leader election:");
  for (const partition of partitions) console.log(`  partition ${partition}: not allowed for this login (CLUSTER_AUTHORIZATION_FAILED)`);
  await show("After the election:");
  await admin.disconnect();
  process.exit(0);
}
if (topLevelError !== 0) throw new Error(`ElectLeaders failed with error code ${topLevelError}`);
const topics = response.readInt32BE(at);
at += 4;
console.log("Preferred leader election:");
for (let t = 0; t < topics; t++) {
  at += 2 + response.readInt16BE(at); // topic name
  const count = response.readInt32BE(at);
  at += 4;
  for (let i = 0; i < count; i++) {
    const partition = response.readInt32BE(at);
    const code = response.readInt16BE(at + 4);
    const messageLength = response.readInt16BE(at + 6);
    at += 8 + Math.max(messageLength, 0);
    console.log(`  partition ${partition}: ${errorNames[code] ?? `error code ${code}`}`);
  }
}

await sleep(500); // let the new leadership reach the broker that answers our metadata request
await show("After the election:");
await admin.disconnect();
