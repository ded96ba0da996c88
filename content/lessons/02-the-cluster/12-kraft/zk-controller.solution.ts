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

// /controller names the broker that created it, and when; the epoch has a znode of its own.
const registration = JSON.parse(await read("/controller")) as { brokerid: number; timestamp: string };
const controller: number = registration.brokerid;
const controllerEpoch: number = Number(await read("/controller_epoch"));
const electedAt: number = Number(registration.timestamp);
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
