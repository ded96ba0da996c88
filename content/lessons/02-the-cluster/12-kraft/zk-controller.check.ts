import zookeeper from "node-zookeeper-client";
import { describeQuorum, kafka, readTopic, topic, zookeeperConnect } from "lab";

const name = topic("zk-controller");
function fail(reason: string): never {
  console.log(reason);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(name)) fail(`There is no topic "zk-controller"; run your code first.`);
await admin.disconnect();
// The last value written for each key wins.
const report = new Map((await readTopic(name)).map((r) => [String(r.key), String(r.value)]));
if (report.size === 0) fail(`"zk-controller" is empty.`);

// ZooKeeper's own answer, read now.
const zk = zookeeper.createClient(zookeeperConnect());
await new Promise<void>((resolve) => {
  zk.once("connected", () => resolve());
  zk.connect();
});
const read = (path: string) =>
  new Promise<string>((resolve, reject) =>
    zk.getData(path, (error, data) => (error ? reject(new Error(`${path}: ${String(error)}`)) : resolve(String(data)))),
  );
const registration = JSON.parse(await read("/controller")) as {
  version: number;
  brokerid: number;
  timestamp: string;
  kraftControllerEpoch: number;
};
const epoch = (await read("/controller_epoch")).trim();
zk.close();
// The course cluster's quorum, to recognise its answer when it turns up in the report.
const quorum = await describeQuorum().catch(() => undefined);
const changed = "If a broker of the ZooKeeper-mode cluster was stopped between your run and this check, run again.";
// The course cluster's own controller and epoch, reported for the wrong cluster.
const kraftAnswer =
  quorum !== undefined &&
  report.get("controller") === String(quorum.leaderId) &&
  report.get("controller-epoch") === String(quorum.leaderEpoch);
const kraftHint = `That is the course cluster's KRaft quorum (node ${quorum?.leaderId}, leader epoch ${quorum?.leaderEpoch}): describeQuorum() asks the other cluster.`;

const controller = report.get("controller");
if (controller === undefined || controller === "-1")
  fail(`The report has no controller yet: write the broker id from /controller under the key "controller".`);
if (controller !== String(registration.brokerid)) {
  fail(
    `The report names controller ${controller}, but /controller says broker ${registration.brokerid}. ` +
      (kraftAnswer
        ? `${kraftHint} Read the brokerid field of /controller.`
        : `Read its brokerid field rather than assuming one. ${changed}`),
  );
}

const reportedEpoch = report.get("controller-epoch");
if (reportedEpoch !== epoch) {
  let why = "The epoch is the number stored in a znode of its own, /controller_epoch.";
  if (quorum && reportedEpoch === String(quorum.leaderEpoch)) why = `${kraftHint} ${why}`;
  else if (reportedEpoch === String(registration.kraftControllerEpoch))
    why = `That is /controller's kraftControllerEpoch field, which stays ${registration.kraftControllerEpoch} while a ZooKeeper-mode broker is the controller (a KRaft controller fills it in during a migration). ${why}`;
  else if (reportedEpoch === String(registration.version))
    why = `That is /controller's version field, the version of the znode's JSON format, not an epoch. ${why}`;
  else why = `${why} ${changed}`;
  fail(`The report gives controller epoch ${reportedEpoch ?? "(none)"}, but /controller_epoch holds ${epoch}. ${why}`);
}

const electedAt = report.get("elected-at");
const when = new Date(Number(registration.timestamp)).toISOString();
if (electedAt !== registration.timestamp) {
  fail(
    `The report says the controller was elected at ${electedAt ?? "(none)"}, but /controller was created at ${registration.timestamp} (${when}). ` +
      "Take its timestamp field, the milliseconds as they are stored; only ZooKeeper knows when this controller won.",
  );
}
console.log(`Correct: broker ${registration.brokerid} has been the controller since ${when}, in controller epoch ${epoch}.`);
