import { freshTopic, kafka, sleep } from "lab";

// Watches partition 0 of a fresh topic for 25 seconds while writing one record a second.
// Stop its leader's broker in the cluster panel, start it again, and watch the leader move and the ISR change.
const topic = await freshTopic("failover-demo", { partitions: 3 });
const admin = kafka.admin();
await admin.connect();
const producer = kafka.producer();
await producer.connect();

const describe = (leader: number, isr: number[]) => `leader ${leader}, ISR [${isr.join(", ")}]`;
let last = "";
let changes = 0;
let written = 0;
const started = Date.now();

while (Date.now() - started < 25_000) {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(4);
  try {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    const p = metadata!.partitions.find((partition) => partition.partitionId === 0)!;
    const now = describe(p.leader, p.isr);
    if (!last) console.log(`${seconds} s  partition 0: ${now}  <- stop broker ${p.leader} in the panel to move the leader`);
    else if (now !== last) {
      changes++;
      console.log(`${seconds} s  partition 0: ${now}`);
    }
    last = now;
    // Keep writing, so a returning replica has something to catch up on.
    await producer.send({ topic, messages: [{ partition: 0, value: `tick ${written}` }] });
    written++;
  } catch (error) {
    // While a broker goes away a request can fail once; the client refreshes its metadata and we try again.
    console.log(`${seconds} s  (request failed: ${(error as Error).message}; retrying)`);
  }
  await sleep(1000);
}

console.log(`Done: ${written} records written to partition 0, ${changes} change(s) of leader or ISR seen, last state ${last}`);
await producer.disconnect();
await admin.disconnect();
