import { freshTopic, groupId, kafka } from "lab";

// A small subset of Avro: int, string, null, and unions of them such as ["null", "string"].
type Primitive = "null" | "int" | "string";
type Type = Primitive | Primitive[];
type Value = number | string | null;
type Field = { name: string; type: Type; default?: Value };
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
const typeOf = (value: Value): Primitive => (value === null ? "null" : typeof value === "number" ? "int" : "string");

function write(type: Type, value: Value, out: number[]): void {
  if (Array.isArray(type)) {
    // A union is written as the index of the branch that holds the value, then the value itself.
    const branch = type.indexOf(typeOf(value));
    writeVarint(branch, out);
    return write(type[branch]!, value, out);
  }
  if (type === "int") writeVarint(value as number, out);
  else if (type === "string") {
    const bytes = Buffer.from(value as string, "utf8");
    writeVarint(bytes.length, out);
    out.push(...bytes);
  } // null takes no bytes at all
}
function read(type: Type, buf: Buffer, pos: number): [Value, number] {
  if (Array.isArray(type)) {
    const [branch, next] = readVarint(buf, pos);
    return read(type[branch]!, buf, next);
  }
  if (type === "null") return [null, pos];
  const [n, next] = readVarint(buf, pos);
  if (type === "int") return [n, next];
  return [buf.toString("utf8", next, next + n), next + n];
}
function encode(schema: Schema, record: Record<string, Value>): Buffer {
  const out: number[] = [];
  for (const f of schema.fields) write(f.type, record[f.name] ?? null, out);
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
  for (const f of writer.fields) [written[f.name], pos] = read(f.type, buf, pos);
  const result: Record<string, Value> = {};
  for (const f of reader.fields) {
    if (f.name in written) result[f.name] = written[f.name]!;
    else if (f.default !== undefined) result[f.name] = f.default;
    else throw new Error(`field "${f.name}" is missing from the writer's schema and has no default`);
  }
  return result;
}

/**
 * A registry subject with BACKWARD compatibility: a new schema must be able to read data written with the last one.
 * Simplified: real Avro also allows some type changes (promotions such as int → long or string ↔ bytes).
 */
const schemas = new Map<number, Schema>();
const subject: number[] = [];
function register(schema: Schema): number {
  for (const f of schema.fields) {
    // The strict Avro rule (the spec until Avro 1.12, and still avsc's): a union's default belongs to its FIRST branch.
    if (Array.isArray(f.type) && f.default !== undefined && typeOf(f.default) !== f.type[0])
      throw new Error(`invalid: the default of "${f.name}" must match the union's first branch (${f.type[0]})`);
  }
  const latest = subject.length ? schemas.get(subject.at(-1)!)! : undefined;
  for (const f of schema.fields) {
    const old = latest?.fields.find((o) => o.name === f.name);
    if (latest && !old && f.default === undefined) throw new Error(`incompatible: new field "${f.name}" has no default`);
    if (old && JSON.stringify(old.type) !== JSON.stringify(f.type))
      throw new Error(`incompatible: "${f.name}" changed from ${JSON.stringify(old.type)} to ${JSON.stringify(f.type)}`);
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
// The usual way to add an optional field: a union with "null" first, and null as its default.
const v2: Schema = { name: "User", fields: [...v1.fields, { name: "email", type: ["null", "string"], default: null }] };
const withoutDefault: Schema = { name: "User", fields: [...v2.fields, { name: "country", type: "string" }] };
const nullLast: Schema = { name: "User", fields: [...v2.fields, { name: "phone", type: ["string", "null"], default: null }] };

const id1 = register(v1);
console.log(`registered v1 as schema id ${id1}`);
const id2 = register(v2);
console.log(`registered v2 (adds email: ["null","string"], default null) as schema id ${id2}`);
for (const [label, candidate] of [
  ["country: string, no default", withoutDefault],
  ['phone: ["string","null"], default null', nullLast],
] as const) {
  try {
    register(candidate);
  } catch (error) {
    console.log(`v3 with ${label} rejected: ${(error as Error).message}`);
  }
}

/** Confluent wire format: magic byte 0, then the writer's schema id, then the Avro body. */
function frame(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5); // byte 0 stays 0: the magic byte
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}
const hex = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");
const grace = encode(v2, { id: 2, name: "Grace", email: "g@example.org" });
const linus = encode(v2, { id: 3, name: "Linus", email: null });
console.log(`v2 body with an email: ${hex(grace)}`);
console.log(`v2 body without one:   ${hex(linus)}  (branch 0, null, takes no bytes)`);

const users = await freshTopic("users-evolving", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: users,
  messages: [
    { value: frame(id1, encode(v1, { id: 1, name: "Ada" })) }, // an old producer, still on v1
    { value: frame(id2, grace) }, // upgraded producers
    { value: frame(id2, linus) },
  ],
});
await producer.disconnect();

// An upgraded consumer reads every record with v2 as its reader schema, whichever schema wrote it.
const consumer = kafka.consumer({ groupId: groupId("users-evolving-reader") });
await consumer.connect();
await consumer.subscribe({ topic: users, fromBeginning: true });
let count = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      const writerId = message.value!.readInt32BE(1);
      const asV2 = decode(schemas.get(writerId)!, v2, message.value!.subarray(5));
      console.log(`written with schema ${writerId} → read as v2 ${JSON.stringify(asV2)}`);
      if (++count === 3) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
