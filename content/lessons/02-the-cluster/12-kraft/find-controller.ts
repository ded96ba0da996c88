import { kafka, kafkaRequest } from "lab";

// kafkajs (last release 2.2.4, 2023) never implemented the KRaft-era admin requests and has no describeQuorum(), so
// this speaks Kafka's DescribeQuorum request (API key 55, version 0) directly. Brokers forward it to the active
// controller, as kafka-metadata-quorum.sh does.
interface Quorum {
  leaderId: number;
  leaderEpoch: number;
  highWatermark: bigint;
  voters: Replica[];
  observers: Replica[];
}
interface Replica {
  id: number;
  logEndOffset: bigint;
}

async function describeQuorum(): Promise<Quorum> {
  const name = Buffer.from("__cluster_metadata");
  // Header v2: api key, version, correlation id, client id, then an empty tagged-field section (the last 0 byte).
  const header = Buffer.alloc(13);
  header.writeInt16BE(55, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(1, 4);
  header.writeInt16BE(2, 8);
  header.write("lb", 10);
  // Body: one topic (__cluster_metadata), one partition (0). Compact arrays and strings store length + 1.
  // After the name: 1 partition, partition index 0 (int32), then empty tagged fields for partition, topic, request.
  const body = Buffer.concat([Buffer.from([2, name.length + 1]), name, Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])]);
  const request = Buffer.concat([header, body]);
  // The lab sends it and returns the answer, logging in first where the listener needs it.
  return parse(await kafkaRequest(request));
}

function parse(b: Buffer): Quorum {
  let at = 4 + 1; // correlation id, empty tagged fields
  const int16 = () => {
    at += 2;
    return b.readInt16BE(at - 2);
  };
  const int32 = () => {
    at += 4;
    return b.readInt32BE(at - 4);
  };
  const int64 = () => {
    at += 8;
    return b.readBigInt64BE(at - 8);
  };
  const count = () => b[at++]! - 1; // compact length (small enough for one byte here)
  const error = int16();
  if (error !== 0) throw new Error(`DescribeQuorum error ${error}`);
  count(); // one topic
  const nameLength = count();
  at += nameLength; // skip the topic name
  count(); // one partition
  int32();
  int16(); // partition index, error code
  const leaderId = int32();
  const leaderEpoch = int32();
  const highWatermark = int64();
  const replicas = () =>
    Array.from({ length: count() }, () => {
      const r = { id: int32(), logEndOffset: int64() };
      at++;
      return r;
    });
  const voters = replicas();
  const observers = replicas();
  return { leaderId, leaderEpoch, highWatermark, voters, observers };
}

const quorum = await describeQuorum();
console.log(`Active controller: node ${quorum.leaderId} (leader epoch ${quorum.leaderEpoch})`);
console.log(`Metadata log high watermark: ${quorum.highWatermark}`);
for (const v of quorum.voters) {
  const role = v.id === quorum.leaderId ? "leader" : "follower";
  console.log(
    `  voter ${v.id}: ${role}, log end offset ${v.logEndOffset}, ${quorum.highWatermark - v.logEndOffset} behind the high watermark`,
  );
}
console.log(`Observers (broker-only nodes that follow the log without voting): ${quorum.observers.length}`);

// For comparison: the "controller" field of DescribeCluster names a random live broker in KRaft mode.
const admin = kafka.admin();
await admin.connect();
console.log(`DescribeCluster says "controller: ${(await admin.describeCluster()).controller}" (not necessarily the active one)`);
await admin.disconnect();
