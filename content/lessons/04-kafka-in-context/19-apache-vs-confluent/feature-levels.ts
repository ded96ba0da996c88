import net from "node:net";
import { brokers } from "lab";

// kafkajs does not expose this, so we speak the Kafka protocol directly: one ApiVersions request (key 18, v3).
// Every Kafka-compatible server answers it: Apache Kafka, Confluent Server, and the many protocol clones.
const [host, port] = brokers[0]!.split(":");

function apiVersionsRequest(): Buffer {
  const clientId = Buffer.from("offset-lab");
  const compact = (s: string) => Buffer.concat([Buffer.from([Buffer.byteLength(s) + 1]), Buffer.from(s)]);
  const body = Buffer.concat([
    Buffer.from([0, 18, 0, 3]), // api_key 18 (ApiVersions), api_version 3
    Buffer.from([0, 0, 0, 7]), // correlation_id
    Buffer.from([0, clientId.length]),
    clientId, // client_id
    Buffer.from([0]), // no tagged fields in the header
    compact("offset-lab"),
    compact("1.0"), // client_software_name, client_software_version
    Buffer.from([0]), // no tagged fields in the body
  ]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length); // every Kafka request is prefixed by its length
  return Buffer.concat([size, body]);
}

const response = await new Promise<Buffer>((resolve, reject) => {
  const socket = net.connect(Number(port), host, () => socket.write(apiVersionsRequest()));
  let buf = Buffer.alloc(0);
  socket.on("data", (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
      socket.end();
      resolve(buf.subarray(4, 4 + buf.readInt32BE(0)));
    }
  });
  socket.on("error", reject);
  setTimeout(() => reject(new Error("no answer")), 5000).unref();
});

let pos = 4; // skip correlation_id
const uvarint = () => {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = response[pos++]!;
    value |= (byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
};
const skipTags = () => {
  for (let n = uvarint(); n > 0; n--) {
    uvarint(); // tag
    const size = uvarint(); // read before moving pos: `pos += uvarint()` would add to the old pos
    pos += size;
  }
};
const errorCode = response.readInt16BE(pos);
pos += 2;
const apis = new Map<number, [number, number]>();
for (let n = uvarint() - 1; n > 0; n--) {
  apis.set(response.readInt16BE(pos), [response.readInt16BE(pos + 2), response.readInt16BE(pos + 4)]);
  pos += 6;
  skipTags();
}
pos += 4; // throttle_time_ms
console.log(`ApiVersions error code ${errorCode}: the broker speaks ${apis.size} request types`);
const names: Record<number, string> = {
  0: "Produce",
  1: "Fetch",
  68: "ConsumerGroupHeartbeat (KIP-848)",
  76: "ShareGroupHeartbeat (KIP-932)",
  78: "ShareFetch (KIP-932)",
};
for (const [key, name] of Object.entries(names)) {
  const range = apis.get(Number(key));
  console.log(`  ${name}: ${range ? `v${range[0]}–v${range[1]}` : "not supported"}`);
}

// Tagged field 2 holds the cluster's finalized feature levels: what the whole cluster has agreed to use.
for (let n = uvarint(); n > 0; n--) {
  const tag = uvarint();
  const size = uvarint();
  const end = pos + size;
  if (tag === 2) {
    for (let f = uvarint() - 1; f > 0; f--) {
      const len = uvarint() - 1;
      const feature = response.toString("utf8", pos, pos + len);
      pos += len;
      const max = response.readInt16BE(pos); // FinalizedFeatureKey: name, max_version_level, min_version_level
      pos += 4;
      skipTags();
      console.log(`finalized feature ${feature} = ${max}`);
    }
  }
  pos = end;
}
