import { kafka, topic } from "lab";

const name = topic("legacy-events");
const admin = kafka.admin();
await admin.connect();

function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "legacy-events"; run your code first.`);
const brokerCount = 3; // the course cluster's brokers
const [metadata] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
for (const p of metadata!.partitions) {
  if (new Set(p.replicas).size !== brokerCount) {
    fail(`Partition ${p.partitionId} has replicas [${p.replicas.join(", ")}]; it needs one on each of the ${brokerCount} brokers (are they all running?).`);
  }
  if (p.isr.length !== p.replicas.length) {
    fail(`Partition ${p.partitionId} has ISR [${p.isr.join(", ")}]: its new replicas have not caught up yet. Wait for them.`);
  }
}
const records = (await admin.fetchTopicOffsets(name)).reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
if (records < 30) fail(`"legacy-events" holds ${records} records; the 30 written before the change should all still be there.`);
console.log(`Every partition of "legacy-events" now has ${brokerCount} in-sync replicas, and all ${records} records are still there.`);
await admin.disconnect();
