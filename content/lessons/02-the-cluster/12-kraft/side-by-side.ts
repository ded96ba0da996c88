import zookeeper from "node-zookeeper-client";
import type { Kafka } from "kafkajs";
import { describeQuorum, freshTopic, kafka, sleep, zkKafka, zookeeperConnect } from "lab";

// ZooKeeper mode keeps the metadata in znodes. This connection may read them; ZooKeeper refuses it any change.
const zk = zookeeper.createClient(zookeeperConnect());
await new Promise<void>((resolve) => {
  zk.once("connected", () => resolve());
  zk.connect();
});

// The same topic on both clusters: the course cluster (KRaft, Kafka 4.3) and the ZooKeeper-mode one (Kafka 3.9).
const name = await freshTopic("side-by-side", { partitions: 3 });
const zkCluster = zkKafka();
await recreateTopic(zkCluster, name, 3);
console.log(`Topic ${name}: 3 partitions with 3 replicas each, on both clusters.\n`);
const session = (stat: zookeeper.Stat) => `0x${stat.ephemeralOwner.toString("hex").replace(/^0+/, "")}`;

console.log("ZooKeeper mode (Kafka 3.9): the metadata is a tree of znodes");
const ids = (await children(zk, "/brokers/ids")).sort();
console.log(`  /brokers/ids -> ${ids.join(", ")}`);
const sessions = new Map<string, string>();
for (const id of ids) {
  // Ephemeral: ZooKeeper deletes it by itself when the broker's session ends.
  const [data, stat] = await read(zk, `/brokers/ids/${id}`);
  const { endpoints } = JSON.parse(data) as { endpoints: string[] };
  sessions.set(id, session(stat));
  console.log(`  /brokers/ids/${id} (ephemeral, session ${session(stat)}): endpoints ${endpoints.join(", ")}`);
}
const [controllerJson, controllerStat] = await read(zk, "/controller");
const controller = (JSON.parse(controllerJson) as { brokerid: number }).brokerid;
console.log(`  /controller (ephemeral, session ${session(controllerStat)}): ${controllerJson}`);
const same = sessions.get(String(controller)) === session(controllerStat);
console.log(
  `    broker ${controller} created it first and won; ${same ? `same session as /brokers/ids/${controller}` : "another session"}`,
);
console.log(`  /controller_epoch: ${(await read(zk, "/controller_epoch"))[0]}  (one more with every new controller)`);
// The assignment says which brokers hold each partition; the state says who leads it now and who is in sync.
console.log(`  /brokers/topics/${name}: ${(await read(zk, `/brokers/topics/${name}`))[0]}`);
for (const partition of [0, 1, 2]) {
  const path = `/brokers/topics/${name}/partitions/${partition}/state`;
  console.log(`  ${path}: ${(await read(zk, path))[0]}`);
}
console.log(`  /config/topics/${name}: ${(await read(zk, `/config/topics/${name}`))[0]}`);
zk.close();

// In ZooKeeper mode, the brokers know the controller and DescribeCluster passes its id on.
const zkAdmin = zkCluster.admin();
await zkAdmin.connect();
const zkDescribed = (await zkAdmin.describeCluster()).controller;
await zkAdmin.disconnect();
console.log(
  `  DescribeCluster's controller field: broker ${zkDescribed}, ${zkDescribed === controller ? "the same broker as in /controller" : `but /controller names ${controller}`}\n`,
);

// KRaft: the same facts are records in the __cluster_metadata log, and the brokers serve their copy of it.
console.log("KRaft (Kafka 4.3): the same facts are records in the __cluster_metadata log");
const quorum = await describeQuorum();
console.log(`  quorum leader (the active controller): node ${quorum.leaderId}, leader epoch ${quorum.leaderEpoch}`);
console.log(`  the log's high watermark: ${quorum.highWatermark} records`);
const admin = kafka.admin();
await admin.connect();
console.log(`  DescribeCluster's controller field: node ${(await admin.describeCluster()).controller} (a random live broker in KRaft)`);
const [metadata] = (await admin.fetchTopicMetadata({ topics: [name] })).topics;
for (const p of [...(metadata?.partitions ?? [])].sort((a, b) => a.partitionId - b.partitionId)) {
  console.log(`  partition ${p.partitionId}: leader ${p.leader}, replicas ${p.replicas.join(",")}, isr ${p.isr.join(",")}`);
}
await admin.disconnect();

function read(client: zookeeper.Client, path: string): Promise<[string, zookeeper.Stat]> {
  return new Promise((resolve, reject) =>
    client.getData(path, (error, data, stat) =>
      error ? reject(new Error(`${path}: ${String(error)}`)) : resolve([String(data ?? ""), stat]),
    ),
  );
}

function children(client: zookeeper.Client, path: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    client.getChildren(path, (error, names) => (error ? reject(new Error(`${path}: ${String(error)}`)) : resolve(names))),
  );
}

function exists(client: zookeeper.Client, path: string): Promise<boolean> {
  return new Promise((resolve, reject) =>
    client.exists(path, (error, stat) => (error ? reject(new Error(`${path}: ${String(error)}`)) : resolve(Boolean(stat)))),
  );
}

/** Deletes `topic` on the ZooKeeper-mode cluster if it is there, waits until it is gone, and creates it afresh. */
async function recreateTopic(cluster: Kafka, topic: string, partitions: number): Promise<void> {
  const clusterAdmin = cluster.admin();
  await clusterAdmin.connect();
  try {
    if ((await clusterAdmin.listTopics()).includes(topic)) await clusterAdmin.deleteTopics({ topics: [topic] });
    // The controller deletes in the background: the topic is gone when its znode is.
    for (const deadline = Date.now() + 15_000; await exists(zk, `/brokers/topics/${topic}`); await sleep(200)) {
      if (Date.now() > deadline) throw new Error(`${topic} is still being deleted on the ZooKeeper-mode cluster; run again.`);
    }
    await clusterAdmin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }], waitForLeaders: true });
  } finally {
    await clusterAdmin.disconnect();
  }
}
