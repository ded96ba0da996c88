import net from "node:net";
import { brokers, freshTopic, kafka } from "lab";

const topic = await freshTopic("quorum-report", { partitions: 1 });

const quorum = await describeQuorum(); // defined at the bottom of this file
console.log(`The quorum answered from leader epoch ${quorum.leaderEpoch}`);

// TODO: fill these in from the quorum's answer instead of guessing.
const activeController: number = -1;
const voters: number[] = [];

const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic,
  messages: [
    { key: "active-controller", value: String(activeController) },
    { key: "voters", value: [...voters].sort((a, b) => a - b).join(",") },
  ],
});
await producer.disconnect();
console.log(`Reported controller ${activeController}, voters ${voters.join(",")}`);

// ---- Provided: a minimal DescribeQuorum client. Nothing below needs to change. ----
// kafkajs 2.2.4 predates KRaft and has no describeQuorum(), so this speaks Kafka's DescribeQuorum request
// (API key 55, version 0) directly. Brokers forward it to the active controller, as kafka-metadata-quorum.sh does.
interface Quorum { leaderId: number; leaderEpoch: number; highWatermark: bigint; voters: Replica[]; observers: Replica[] }
interface Replica { id: number; logEndOffset: bigint }

async function describeQuorum(): Promise<Quorum> {
  const name = Buffer.from("__cluster_metadata");
  // Header v2: api key, version, correlation id, client id, no tagged fields.
  const header = Buffer.alloc(12);
  header.writeInt16BE(55, 0); header.writeInt16BE(0, 2); header.writeInt32BE(1, 4); header.writeInt16BE(2, 8); header.write("lb", 10);
  // Body: one topic (__cluster_metadata), one partition (0). Compact arrays and strings store length + 1.
  const body = Buffer.concat([Buffer.from([0, 2, name.length + 1]), name, Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])]);
  const request = Buffer.concat([header, body]);
  for (const address of brokers) {
    const response = await exchange(address, request).catch(() => undefined);
    if (response) return parse(response);
  }
  throw new Error("No broker answered DescribeQuorum");
}

function exchange(address: string, request: Buffer): Promise<Buffer> {
  const [host, port] = address.split(":");
  return new Promise((resolve, reject) => {
    const size = Buffer.alloc(4);
    size.writeInt32BE(request.length);
    const socket = net.connect(Number(port), host, () => socket.write(Buffer.concat([size, request])));
    let data = Buffer.alloc(0);
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < 4 || data.length < 4 + data.readInt32BE(0)) return;
      socket.end();
      resolve(data.subarray(4));
    });
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error("timed out")));
  });
}

function parse(b: Buffer): Quorum {
  let at = 4 + 1; // correlation id, empty tagged fields
  const int16 = () => { at += 2; return b.readInt16BE(at - 2); };
  const int32 = () => { at += 4; return b.readInt32BE(at - 4); };
  const int64 = () => { at += 8; return b.readBigInt64BE(at - 8); };
  const count = () => b[at++]! - 1; // compact length (small enough for one byte here)
  const error = int16();
  if (error !== 0) throw new Error(`DescribeQuorum error ${error}`);
  count(); // one topic
  const nameLength = count();
  at += nameLength; // skip the topic name
  count(); // one partition
  int32(); int16(); // partition index, error code
  const leaderId = int32();
  const leaderEpoch = int32();
  const highWatermark = int64();
  const replicas = () => Array.from({ length: count() }, () => { const r = { id: int32(), logEndOffset: int64() }; at++; return r; });
  const voters = replicas();
  const observers = replicas();
  return { leaderId, leaderEpoch, highWatermark, voters, observers };
}

