import { freshTopic, groupId, kafka } from "lab";

type Value = number | string;
type Field = { name: string; type: "int" | "string"; default?: Value };
type Schema = { name: string; fields: Field[] };

function writeVarint(n: number, out: number[]): void {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}
function readVarint(buf: Buffer, pos: number): [number, number] {
  let z = 0;
  let scale = 1;
  let byte: number;
  do {
    byte = buf[pos++]!;
    z += (byte & 0x7f) * scale;
    scale *= 0x80;
  } while (byte & 0x80);
  return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, pos];
}
function encode(schema: Schema, record: Record<string, Value>): Buffer {
  const out: number[] = [];
  for (const f of schema.fields) {
    if (f.type === "int") writeVarint(record[f.name] as number, out);
    else {
      const bytes = Buffer.from(record[f.name] as string, "utf8");
      writeVarint(bytes.length, out);
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}

/**
 * Schema resolution, the heart of Avro evolution: decode with the WRITER's schema (the only way to find the
 * fields in the bytes), then shape the result to the READER's schema: drop unknown fields, fill missing ones
 * from their defaults, fail if a missing field has no default.
 */
function decode(writer: Schema, reader: Schema, buf: Buffer): Record<string, Value> {
  const written: Record<string, Value> = {};
  let pos = 0;
  for (const f of writer.fields) {
    const [n, next] = readVarint(buf, pos);
    pos = next;
    if (f.type === "int") written[f.name] = n;
    else {
      written[f.name] = buf.toString("utf8", pos, pos + n);
      pos += n;
    }
  }
  const result: Record<string, Value> = {};
  for (const f of reader.fields) {
    if (f.name in written) result[f.name] = written[f.name]!;
    else if (f.default !== undefined) result[f.name] = f.default;
    else throw new Error(`field "${f.name}" is missing from the writer's schema and has no default`);
  }
  return result;
}

/** A registry subject with BACKWARD compatibility: a new schema must be able to read data written with the last one. */
const schemas = new Map<number, Schema>();
const subject: number[] = [];
function register(schema: Schema): number {
  const latest = subject.length ? schemas.get(subject.at(-1)!)! : undefined;
  for (const f of schema.fields) {
    const old = latest?.fields.find((o) => o.name === f.name);
    if (latest && !old && f.default === undefined) throw new Error(`incompatible: new field "${f.name}" has no default`);
    if (old && old.type !== f.type) throw new Error(`incompatible: "${f.name}" changed from ${old.type} to ${f.type}`);
  }
  const id = schemas.size + 1;
  schemas.set(id, schema);
  subject.push(id);
  return id;
}

const v1: Schema = {
  name: "User",
  fields: [
    { name: "id", type: "int" },
    { name: "name", type: "string" },
  ],
};
const v2: Schema = { name: "User", fields: [...v1.fields, { name: "email", type: "string", default: "unknown" }] };
const v3: Schema = { name: "User", fields: [...v2.fields, { name: "country", type: "string" }] };

const id1 = register(v1);
console.log(`registered v1 as schema id ${id1}`);
const id2 = register(v2);
console.log(`registered v2 (adds email with a default) as schema id ${id2}`);
try {
  register(v3);
} catch (error) {
  console.log(`v3 rejected: ${(error as Error).message}`);
}

/** Confluent wire format: magic byte 0, then the writer's schema id, then the Avro body. */
function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5); // byte 0 stays 0: the magic byte
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}
const users = await freshTopic("users-evolving", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: users,
  messages: [
    { value: frame(id1, encode(v1, { id: 1, name: "Ada" })) }, // an old producer, still on v1
    { value: frame(id2, encode(v2, { id: 2, name: "Grace", email: "grace@example.org" })) }, // an upgraded one
  ],
});
await producer.disconnect();

// An upgraded consumer reads both with v2 as its reader schema. A v3 reader could not read either record.
const consumer = kafka.consumer({ groupId: groupId("users-evolving-reader") });
await consumer.connect();
await consumer.subscribe({ topic: users, fromBeginning: true });
let read = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      const writerId = message.value!.readInt32BE(1);
      const asV2 = decode(schemas.get(writerId)!, v2, message.value!.subarray(5));
      let asV3: string;
      try {
        asV3 = JSON.stringify(decode(schemas.get(writerId)!, v3, message.value!.subarray(5)));
      } catch (error) {
        asV3 = `error: ${(error as Error).message}`;
      }
      console.log(`written with schema ${writerId} → read as v2 ${JSON.stringify(asV2)} | as v3 ${asV3}`);
      if (++read === 2) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
