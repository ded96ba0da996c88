import zookeeper from "node-zookeeper-client";
import { freshTopic, kafka, zookeeperConnect } from "lab";

const topic = await freshTopic("zk-controller", { partitions: 1 });

// A read-only connection to the ZooKeeper-mode cluster's ZooKeeper, at Kafka's own paths (/controller, /brokers/…).
const zk = zookeeper.createClient(zookeeperConnect());
await new Promise<void>((resolve) => {
  zk.once("connected", () => resolve());
  zk.connect();
});
/** The data of znode `path`, as text. */
const read = (path: string) =>
  new Promise<string>((resolve, reject) =>
    zk.getData(path, (error, data) => (error ? reject(new Error(`${path}: ${String(error)}`)) : resolve(String(data)))),
  );

// TODO: fill these in from the znodes that hold them (side-by-side.ts prints both).
const controller: number = -1;
const controllerEpoch: number = -1;
const electedAt: number = -1; // when it became the controller, in milliseconds since 1970, as ZooKeeper holds it
zk.close();

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { key: "controller", value: String(controller) },
    { key: "controller-epoch", value: String(controllerEpoch) },
    { key: "elected-at", value: String(electedAt) },
  ],
});
await producer.disconnect();
console.log(`Reported controller ${controller} in epoch ${controllerEpoch}, elected at ${electedAt}`);
