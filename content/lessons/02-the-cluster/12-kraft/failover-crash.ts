import zookeeper from "node-zookeeper-client";
import { Kafka, logLevel } from "kafkajs";
import { describeQuorum, freshTopic, kafka, labConfig, sleep, startBroker, stopBroker, zkKafka, zookeeperConnect } from "lab";

// A crash (SIGKILL): each cluster's controller dies on the spot, as in a power cut. failover-clean.ts stops it cleanly.
const crash = true;

const zk = zookeeper.createClient(zookeeperConnect());
await new Promise<void>((resolve) => {
  zk.once("connected", () => resolve());
  zk.connect();
});
const read = (path: string) =>
  new Promise<string | undefined>((resolve) => zk.getData(path, (error, data) => resolve(error ? undefined : String(data))));
const registered = () => new Promise<string[]>((resolve) => zk.getChildren("/brokers/ids", (error, ids) => resolve(error ? [] : ids)));
const admin = kafka.admin();
const zkAdmin = zkKafka().admin();
await Promise.all([admin.connect(), zkAdmin.connect()]);
const live = async (a: typeof admin) => (await a.describeCluster()).brokers.length;

// Both clusters must be whole first: a broker a previous run stopped may still be on its way back.
const whole = async () => (await registered()).length === 3 && (await live(zkAdmin)) === 3 && (await live(admin)) === 3;
if (!(await waitFor(whole, 8_000))) {
  throw new Error("A broker of one of the clusters is still starting; run this again in a few seconds.");
}

// A fresh topic on each cluster, so every broker leads one of its partitions.
const name = await freshTopic("failover", { partitions: 3 });
await recreateZkTopic(name);

const zkController = (JSON.parse((await read("/controller")) ?? "{}") as { brokerid: number }).brokerid;
const kraftController = (await describeQuorum()).leaderId;
const nodes = (await admin.describeCluster()).brokers;
await Promise.all([admin.disconnect(), zkAdmin.disconnect()]);

// ZooKeeper mode: who leads each partition is in its state znode, written by the controller.
const zkLeaders = async () =>
  Promise.all(
    [0, 1, 2].map(
      async (p) => (JSON.parse((await read(`/brokers/topics/${name}/partitions/${p}/state`)) ?? "{}") as { leader: number }).leader,
    ),
  );
// KRaft: a broker that stays up answers from its copy of the metadata log. A new client each time, so no
// connection to the stopped node is in the way.
const survivor = nodes.find((n) => n.nodeId !== kraftController)!;
const kraftLeaders = async () => {
  const client = new Kafka({
    ...labConfig,
    brokers: [`${survivor.host}:${survivor.port}`],
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const probe = client.admin();
  await probe.connect();
  try {
    const [topic] = (await probe.fetchTopicMetadata({ topics: [name] })).topics;
    return (topic?.partitions ?? []).map((p) => p.leader);
  } finally {
    await probe.disconnect();
  }
};
const zkLed = (await zkLeaders()).filter((l) => l === zkController).length;
const kraftLed = (await kraftLeaders()).filter((l) => l === kraftController).length;

console.log(`${crash ? "Killing" : "Stopping"} both controllers at once:`);
console.log(`  ZooKeeper mode: broker ${zkController} (/controller), leader of ${zkLed} of the topic's 3 partitions`);
console.log(`  KRaft:          node ${kraftController} (the quorum leader), leader of ${kraftLed} of the topic's 3 partitions\n`);
const asked = Date.now();
stopBroker("zk-kafka", zkController, { crash });
stopBroker("kraft", kraftController, { crash });
const since = () => ((Date.now() - asked) / 1000).toFixed(1);

// Four clocks run side by side; each stops when its change is visible.
const [zkElected, zkMoved, kraftElected, kraftMoved] = await Promise.all([
  timeUntil(async () => {
    const now = (JSON.parse((await read("/controller")) ?? "{}") as { brokerid?: number }).brokerid;
    return now !== undefined && now !== zkController ? `broker ${now} (epoch ${await read("/controller_epoch")})` : undefined;
  }),
  timeUntil(async () => {
    const leaders = await zkLeaders();
    return leaders.every((l) => l >= 0 && l !== zkController) ? `leaders ${leaders.join(",")}` : undefined;
  }),
  timeUntil(async () => {
    const quorum = await describeQuorum();
    return quorum.leaderId >= 0 && quorum.leaderId !== kraftController
      ? `node ${quorum.leaderId} (epoch ${quorum.leaderEpoch})`
      : undefined;
  }),
  timeUntil(async () => {
    const leaders = await kraftLeaders();
    return leaders.length === 3 && leaders.every((l) => l >= 0 && l !== kraftController) ? `leaders ${leaders.join(",")}` : undefined;
  }),
]);
zk.close();

const after = (seen: Seen) => (seen ? `after ${seen.seconds} s: ${seen.what}` : "not within 20 s");
console.log(`ZooKeeper mode: new controller ${after(zkElected)}`);
console.log(`ZooKeeper mode: broker ${zkController}'s partitions led again ${after(zkMoved)}`);
console.log(`KRaft:          new controller ${after(kraftElected)}`);
console.log(`KRaft:          node ${kraftController}'s partitions led again ${after(kraftMoved)}`);
if (!zkElected && !kraftElected)
  console.log("\nNothing changed: if the output above says this course cannot stop brokers, this lab cannot run here.");

// Start both again; the run ends once they are back.
startBroker("zk-kafka", zkController);
startBroker("kraft", kraftController);
console.log(`\nStarting broker ${zkController} (ZooKeeper mode) and node ${kraftController} (KRaft) again…`);

type Seen = { seconds: string; what: string } | undefined;

/** Polls `check` every 100 ms for up to 20 s after the stop; returns when (and what) it first saw. */
async function timeUntil(check: () => Promise<string | undefined>): Promise<Seen> {
  while (Date.now() - asked < 20_000) {
    const what = await check().catch(() => undefined);
    if (what) return { seconds: since(), what };
    await sleep(100);
  }
  return undefined;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(200)) {
    if (await check().catch(() => false)) return true;
  }
  return false;
}

/** Deletes `topic` on the ZooKeeper-mode cluster if it is there, waits until its znode is gone, creates it again. */
async function recreateZkTopic(topic: string): Promise<void> {
  if ((await zkAdmin.listTopics()).includes(topic)) await zkAdmin.deleteTopics({ topics: [topic] });
  const gone = () => new Promise<boolean>((resolve) => zk.exists(`/brokers/topics/${topic}`, (error, stat) => resolve(!error && !stat)));
  if (!(await waitFor(gone, 15_000))) throw new Error(`${topic} is still being deleted on the ZooKeeper-mode cluster; run again.`);
  await zkAdmin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 3 }], waitForLeaders: true });
}
