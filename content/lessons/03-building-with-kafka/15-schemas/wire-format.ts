import { freshTopic, groupId, kafka } from "lab";

// A tiny subset of Avro's binary encoding: records of int and string fields.
type Field = { name: string; type: "int" | "string" };
type Schema = { type: "record"; name: string; fields: Field[] };

/** Avro ints and longs are zigzag-encoded (small negatives stay small) and then written as base-128 varints. */
function writeVarint(n: number, out: number[]): void {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80); // low 7 bits, with the "more bytes follow" flag
    z = Math.floor(z / 0x80);
  }
  out.push(z);
}
function readVarint(buf: Buffer, pos: number): [value: number, next: number] {
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

/** No field names or tags in the bytes: the order of fields in the schema is the only map. */
function encode(schema: Schema, record: Record<string, number | string>): Buffer {
  const out: number[] = [];
  for (const field of schema.fields) {
    const value = record[field.name]!;
    if (field.type === "int") writeVarint(value as number, out);
    else {
      const bytes = Buffer.from(value as string, "utf8");
      writeVarint(bytes.length, out); // strings are length-prefixed
      out.push(...bytes);
    }
  }
  return Buffer.from(out);
}
function decode(schema: Schema, buf: Buffer): Record<string, number | string> {
  const record: Record<string, number | string> = {};
  let pos = 0;
  for (const field of schema.fields) {
    const [n, next] = readVarint(buf, pos);
    pos = next;
    if (field.type === "int") record[field.name] = n;
    else {
      record[field.name] = buf.toString("utf8", pos, pos + n);
      pos += n;
    }
  }
  return record;
}

// A stand-in for the registry: schema id → schema. A real registry serves this over HTTP.
const user: Schema = {
  type: "record",
  name: "User",
  fields: [
    { name: "id", type: "int" },
    { name: "name", type: "string" },
  ],
};
const registry = new Map<number, Schema>([[1, user]]);

/** The Confluent wire format: magic byte 0, the schema id as a 4-byte big-endian int, then the Avro body. */
function serialize(schemaId: number, record: Record<string, number | string>): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt8(0, 0);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, encode(registry.get(schemaId)!, record)]);
}

const bytes = serialize(1, { id: 42, name: "Ada" });
const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0"));
console.log(`bytes: ${hex.join(" ")}`);
console.log(
  `  magic ${hex[0]} | schema id ${hex.slice(1, 5).join(" ")} | id ${hex[5]} (zigzag 84 = 42) | name length ${hex[6]} (zigzag 6 = 3) | "${bytes.toString("utf8", 7)}"`,
);

const users = await freshTopic("users-avro", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: users,
  messages: [
    { key: "42", value: bytes },
    { key: "7", value: serialize(1, { id: 7, name: "Grace Hopper" }) },
  ],
});
await producer.disconnect();

const consumer = kafka.consumer({ groupId: groupId("users-avro-reader") });
await consumer.connect();
await consumer.subscribe({ topic: users, fromBeginning: true });
let read = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    eachMessage: async ({ message }) => {
      const value = message.value!;
      if (value[0] !== 0) throw new Error("not in the Confluent wire format");
      const schemaId = value.readInt32BE(1); // the consumer learns the writer's schema from the record itself
      const record = decode(registry.get(schemaId)!, value.subarray(5));
      console.log(`offset ${message.offset}: schema ${schemaId}, ${value.length} bytes → ${JSON.stringify(record)}`);
      if (++read === 2) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();
