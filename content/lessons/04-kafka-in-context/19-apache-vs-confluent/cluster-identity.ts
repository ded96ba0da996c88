import { describeQuorum, kafka } from "lab";

const admin = kafka.admin();
await admin.connect();

// The active controller is the leader of the KRaft quorum: ask the quorum (lesson 12), not DescribeCluster.
const cluster = await admin.describeCluster();
const quorum = await describeQuorum();
console.log(
  `cluster id ${cluster.clusterId}, active controller ${quorum.leaderId} (leader of the KRaft quorum, epoch ${quorum.leaderEpoch})`,
);
const said = [cluster.controller];
for (let i = 0; i < 5; i++) said.push((await admin.describeCluster()).controller);
console.log(`  DescribeCluster's "controller" field, asked 6 times: ${said.join(", ")} (in KRaft, a live broker picked at random)`);
for (const b of cluster.brokers) console.log(`  broker ${b.nodeId} at ${b.host}:${b.port}`);

// Broker configs say which Apache Kafka features this deployment has switched on. Each caption is worked out from
// the value this cluster returns, so another deployment gets captions that fit its own settings.
const { resources } = await admin.describeConfigs({
  includeSynonyms: false,
  resources: [{ type: 4 /* ConfigResourceTypes.BROKER */, name: String(cluster.brokers[0]!.nodeId) }],
});
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue ?? ""]));
const list = (value: string) => value.split(",").filter(Boolean);
const groupKinds: Record<string, string> = {
  classic: "classic groups",
  consumer: "KIP-848 consumer groups",
  streams: "KIP-1071 Streams groups",
  share: "share groups",
};
const captions: Record<string, (value: string) => string> = {
  "process.roles": (v) =>
    v === "broker,controller" || v === "controller,broker"
      ? "combined mode: this node is a broker and a KRaft controller, no ZooKeeper"
      : v === "broker"
        ? "a broker only: the KRaft controllers run on other nodes"
        : "KRaft roles of this node",
  "group.coordinator.rebalance.protocols": (v) =>
    `this cluster offers ${list(v)
      .map((p) => groupKinds[p] ?? p)
      .join(", ")}`,
  "remote.log.storage.system.enable": (v) =>
    v === "true"
      ? "tiered storage (KIP-405, part of Apache Kafka) is switched on"
      : "tiered storage (KIP-405) is part of Apache Kafka, and off here",
  "listener.security.protocol.map": (v) => {
    const login = list(v).filter((pair) => pair.includes(":SASL_"));
    const tls = list(v).filter((pair) => pair.endsWith(":SSL") || pair.endsWith("_SSL"));
    return [
      login.length
        ? `${login.map((p) => p.split(":")[0]).join(", ")} ${login.length === 1 ? "asks" : "ask"} clients to log in (SASL)`
        : "no listener asks clients to log in",
      tls.length ? "TLS is on" : "no listener uses TLS",
    ].join("; ");
  },
  "authorizer.class.name": (v) =>
    !v
      ? "no authorizer: every client that connects may do everything"
      : v.endsWith(".StandardAuthorizer")
        ? "Apache Kafka's standard authorizer: requests are checked against ACLs"
        : "a custom authorizer plugin",
};
for (const [name, caption] of Object.entries(captions)) {
  const value = config.get(name) ?? "";
  console.log(`${name} = ${value || "(empty)"}  ← ${caption(value)}`);
}
await admin.disconnect();
