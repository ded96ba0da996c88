import { freshTopic, groupId, kafka, sleep } from "lab";

// A queue deletes a message once a consumer acknowledges it. Kafka never does that on its own,
// but the admin API can delete a partition's prefix, so we can imitate a queue and see the difference.
const jobs = await freshTopic("resize-jobs", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic: jobs, messages: ["img-1", "img-2", "img-3", "img-4"].map((value) => ({ value })) });
await producer.disconnect();

const admin = kafka.admin();
await admin.connect();
const [config] = (await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: jobs }] })).resources;
const retention = config!.configEntries.find((e) => e.configName === "retention.ms")!.configValue;
console.log(`retention.ms = ${retention} (${Number(retention) / 86_400_000} days): records expire by age, not by being read`);

const worker = kafka.consumer({ groupId: groupId("resizer") });
await worker.connect();
await worker.subscribe({ topic: jobs, fromBeginning: true });
let done = 0;
await new Promise<void>((resolve) => {
  void worker.run({
    eachMessage: async ({ message }) => {
      console.log(`resized ${message.value}`);
      if (++done === 4) resolve();
    },
  });
});
await worker.disconnect();

let [p0] = await admin.fetchTopicOffsets(jobs);
console.log(`after the worker: log holds offsets ${p0!.low}..${Number(p0!.high) - 1}`);

// "Delete on ack": remove everything below the group's committed offset.
const [committed] = await admin.fetchOffsets({ groupId: groupId("resizer"), topics: [jobs] });
await admin.deleteTopicRecords({ topic: jobs, partitions: [{ partition: 0, offset: committed!.partitions[0]!.offset }] });
[p0] = await admin.fetchTopicOffsets(jobs);
console.log(
  `after deleting up to offset ${committed!.partitions[0]!.offset}: log start ${p0!.low}, end ${p0!.high}, nothing left to replay`,
);
await admin.disconnect();

// A new group that starts "from the beginning" now starts at the new log start and finds nothing.
const latecomer = kafka.consumer({ groupId: groupId("audit") });
await latecomer.connect();
const joined = new Promise<void>((resolve) => latecomer.on(latecomer.events.GROUP_JOIN, () => resolve()));
await latecomer.subscribe({ topic: jobs, fromBeginning: true });
let replayed = 0;
void latecomer.run({ eachMessage: async () => void replayed++ });
await joined;
await sleep(1500); // give it time to fetch: there is nothing to fetch
await latecomer.disconnect();
console.log(`a new group reading from the beginning got ${replayed} records`);
