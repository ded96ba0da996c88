import { freshTopic, kafka } from "lab";

// The registered schema, id 1: { "type": "record", "name": "User", "fields": [{ "name": "id", "type": "int" }, { "name": "name", "type": "string" }] }
const SCHEMA_ID = 1;
const users = [
  { id: 1, name: "Ada" },
  { id: 2, name: "Grace" },
  { id: 3, name: "Zoë" },
];

/** Zigzag + base-128 varint, as Avro writes int, long and every length. */
function writeVarint(n: number, out: number[]): void {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}

/** The Confluent wire format: magic byte, 4-byte schema id, then the Avro body (id, then name). */
function serialize(user: { id: number; name: string }): Buffer {
  const header = Buffer.alloc(5); // byte 0 is the magic byte, 0
  header.writeInt32BE(SCHEMA_ID, 1);
  const out: number[] = [];
  writeVarint(user.id, out);
  const name = Buffer.from(user.name, "utf8");
  writeVarint(name.length, out); // a string is its byte length, then its UTF-8 bytes
  out.push(...name);
  return Buffer.concat([header, Buffer.from(out)]);
}

const topic = await freshTopic("users-wire", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({ topic, messages: users.map((u) => ({ key: String(u.id), value: serialize(u) })) });
await producer.disconnect();
console.log(`sent ${users.length} users`);
