// Compares what cluster-facts holds with what the cluster says about itself right now.
import { kafka, readTopic, topic } from "lab";

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
  resources: [{ type: 4, name: String(cluster.brokers[0]!.nodeId) }],
});
const tiered = resources[0]!.configEntries.find((e) => e.configName === "remote.log.storage.system.enable")?.configValue;
await admin.disconnect();

const recorded = new Map((await readTopic(name)).map((r) => [String(r.key), String(r.value)]));

const expected: [string, string][] = [
  ["cluster-id", cluster.clusterId],
  ["brokers", String(cluster.brokers.length)],
  ["tiered-storage", String(tiered)],
];
for (const [key, value] of expected) {
  if (recorded.get(key) !== value) fail(`"${key}" is recorded as "${recorded.get(key) ?? "(missing)"}" but the cluster says "${value}".`);
}
// The active controller can move between the run and the check; any current voter's id is accepted.
const controller = Number(recorded.get("controller"));
if (!cluster.brokers.some((b) => b.nodeId === controller))
  fail(
    `"controller" is recorded as "${recorded.get("controller") ?? "(missing)"}", which is not a node of this cluster (the active controller is ${cluster.controller}).`,
  );
console.log(
  `✓ cluster-facts matches the cluster: id ${cluster.clusterId}, ${cluster.brokers.length} brokers, controller ${controller}, tiered storage ${tiered}.`,
);
