// Compares what cluster-facts holds with what the cluster says about itself right now.
import { describeQuorum, kafka, readTopic, topic } from "lab";

const name = topic("cluster-facts");
function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const admin = kafka.admin();
await admin.connect();
const cluster = await admin.describeCluster();
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: 4 /* ConfigResourceTypes.BROKER */, name: String(cluster.brokers[0]!.nodeId) }],
});
const tiered = resources[0]!.configEntries.find((e) => e.configName === "remote.log.storage.system.enable")?.configValue;
await admin.disconnect();
const quorum = await describeQuorum();

const recorded = new Map((await readTopic(name)).map((r) => [String(r.key), String(r.value)]));
const shown = (key: string) => `"${recorded.get(key) ?? "(missing)"}"`;

const expected: [string, string][] = [
  ["cluster-id", cluster.clusterId],
  ["brokers", String(cluster.brokers.length)],
  ["tiered-storage", String(tiered)],
];
for (const [key, value] of expected) {
  if (recorded.get(key) !== value) fail(`"${key}" is recorded as ${shown(key)} but the cluster says "${value}".`);
}

// The epoch says which election the recorded leader belongs to, so a controller that moved between the run and
// the check is reported as that, not as a wrong answer.
const epoch = Number(recorded.get("controller-epoch"));
if (!Number.isInteger(epoch) || epoch < 0 || epoch > quorum.leaderEpoch)
  fail(
    `"controller-epoch" is recorded as ${shown("controller-epoch")}; the quorum is in leader epoch ${quorum.leaderEpoch}. Take it from describeQuorum().`,
  );
if (epoch < quorum.leaderEpoch)
  fail(`the quorum elected a new controller after your run (epoch ${epoch} → ${quorum.leaderEpoch}). Run the program again.`);

const controller = recorded.get("controller") ?? "";
if (controller !== String(quorum.leaderId)) {
  const voters = quorum.voters.map((v) => v.id);
  if (controller.includes(","))
    fail(
      `"controller" is recorded as ${shown("controller")}: those are all the voters of the quorum. The active controller is the one voter that leads it, node ${quorum.leaderId}.`,
    );
  if (voters.includes(Number(controller)))
    fail(
      `"controller" is recorded as ${shown("controller")}: node ${controller} is a voter, but the active controller is node ${quorum.leaderId}, the quorum's leader in epoch ${quorum.leaderEpoch}. ` +
        "DescribeCluster's controller field names a random live broker in KRaft; ask the quorum with describeQuorum().",
    );
  fail(
    `"controller" is recorded as ${shown("controller")}, which is not a node of this cluster; the active controller is node ${quorum.leaderId}.`,
  );
}
console.log(
  `✓ cluster-facts matches the cluster: id ${cluster.clusterId}, ${cluster.brokers.length} brokers, active controller ${controller} in epoch ${epoch}, tiered storage ${tiered}.`,
);
