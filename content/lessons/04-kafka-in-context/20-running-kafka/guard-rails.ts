import { Kafka, logLevel } from "kafkajs";
import { kafkaRequest, labConfig, topic } from "lab";

// A quiet client: a refused request is the answer we want here, not an error to log.
const admin = new Kafka({ ...labConfig, logLevel: logLevel.NOTHING }).admin();
await admin.connect();

// Which policy plugins do the brokers run? Any client allowed to read broker configs sees their class names.
const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4 /* BROKER */, name: "1" }] });
const config = new Map(resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
for (const name of ["create.topic.policy.class.name", "alter.config.policy.class.name"])
  console.log(`${name} = ${config.get(name) || "(none)"}`);

// $ bin/kafka-topics.sh --create … --dry-run: validateOnly runs every check on the controller, the policy
// included, and creates nothing.
const asks = [
  { label: "200 partitions", spec: { topic: topic("policy-wide"), numPartitions: 200 } },
  {
    label: "retention.ms=-1 (keep forever)",
    spec: { topic: topic("policy-forever"), numPartitions: 1, configEntries: [{ name: "retention.ms", value: "-1" }] },
  },
];
for (const { label, spec } of asks) {
  try {
    await admin.createTopics({ topics: [spec], validateOnly: true });
    console.log(`${label}: accepted (no policy refuses it on this cluster)`);
  } catch (error) {
    const first = (error as { errors?: { type?: string; message?: string }[] }).errors?.[0];
    const why = (first?.message ?? (error as Error).message).replace(/^Request parameters do not satisfy the configured policy: /, "");
    console.log(`${label}: refused, ${first?.type ?? "error"}: ${why}`);
  }
}
await admin.disconnect();

// Client quotas: DescribeClientQuotas (API key 48, v1). kafkajs has no call for it, so the lab sends it raw.
// $ bin/kafka-configs.sh --describe --entity-type users --entity-name <user>
const user = (labConfig.sasl as { username?: string } | undefined)?.username;
const compact = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
const header = Buffer.alloc(8);
header.writeInt16BE(48, 0); // api_key
header.writeInt16BE(1, 2); // api_version
header.writeInt32BE(1, 4); // correlation_id
const clientId = Buffer.from("offset-lab");
const clientIdLength = Buffer.alloc(2);
clientIdLength.writeInt16BE(clientId.length);
// One filter component: entity type "user", matched exactly (0) by this run's user name, or any user (2).
const component = user
  ? Buffer.concat([compact("user"), Buffer.from([0]), compact(user), Buffer.from([0])])
  : Buffer.concat([compact("user"), Buffer.from([2, 0, 0])]);
const body = Buffer.concat([Buffer.from([2]), component, Buffer.from([0, 0])]); // strict = false, no tagged fields
const response = await kafkaRequest(Buffer.concat([header, clientIdLength, clientId, Buffer.from([0]), body]));

let at = 4 + 1 + 4; // correlation id, header tags, throttle_time_ms
const uvarint = () => {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = response[at++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) return value;
  }
};
const text = () => {
  const length = uvarint() - 1;
  const value = length < 0 ? null : response.toString("utf8", at, at + length);
  at += Math.max(length, 0);
  return value;
};
const skipTags = () => {
  for (let n = uvarint(); n > 0; n--) {
    uvarint();
    at += uvarint();
  }
};
const errorCode = response.readInt16BE(at);
at += 2;
const errorMessage = text();
if (errorCode !== 0) console.log(`client quotas: error ${errorCode} ${errorMessage ?? ""}`);
const principal = user ? `User:${user}` : "any user";
let found = 0;
for (let entries = uvarint() - 1; entries > 0; entries--) {
  const entity: string[] = [];
  for (let n = uvarint() - 1; n > 0; n--) {
    const type = text();
    const name = text();
    skipTags();
    entity.push(`${type}=${name ?? "<default>"}`);
  }
  const values: string[] = [];
  for (let n = uvarint() - 1; n > 0; n--) {
    const key = text();
    values.push(`${key}=${response.readDoubleBE(at)}`);
    at += 8;
    skipTags();
  }
  skipTags();
  found++;
  console.log(`client quotas for ${entity.join(",")}: ${values.join(" ")}`);
}
if (errorCode === 0 && found === 0) console.log(`no client quotas for ${principal}: nothing throttles this client`);
