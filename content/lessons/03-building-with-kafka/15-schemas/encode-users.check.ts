// Reads the raw bytes of users-wire from the cluster and decodes them by the Confluent wire format.
import { groupId, kafka, topic } from "lab";

const name = topic("users-wire");
const expected = [
  { id: 1, name: "Ada" },
  { id: 2, name: "Grace" },
  { id: 3, name: "Zoë" },
];

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}
function readVarint(buf: Buffer, pos: number): [number, number] {
  let z = 0;
  let scale = 1;
  let byte: number;
  do {
    if (pos >= buf.length) throw new Error("the body ends in the middle of a number");
    byte = buf[pos++]!;
    z += (byte & 0x7f) * scale;
    scale *= 0x80;
  } while (byte & 0x80);
  return [z % 2 === 0 ? z / 2 : -(z + 1) / 2, pos];
}

const admin = kafka.admin();
await admin.connect();
const total = (await admin.fetchTopicOffsets(name)).reduce((n, p) => n + Number(p.high), 0);
await admin.disconnect();
if (total !== expected.length) fail(`users-wire holds ${total} records; it should hold ${expected.length}.`);

const values: Buffer[] = [];
const consumer = kafka.consumer({ groupId: groupId("users-wire-check") });
await consumer.connect();
await consumer.subscribe({ topic: name, fromBeginning: true });
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      values.push(message.value ?? Buffer.alloc(0));
      if (values.length === total) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await consumer.disconnect();

values.forEach((value, i) => {
  const want = expected[i]!;
  const hex = [...value.subarray(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
  if (value.length < 5 || value[0] !== 0) fail(`record ${i} starts with ${hex}: byte 0 must be the magic byte 00.`);
  const schemaId = value.readInt32BE(1);
  if (schemaId !== 1)
    fail(
      `record ${i} names schema id ${schemaId} (bytes 1–4 read big-endian: ${hex.slice(3, 14)}); it should be 1, written 00 00 00 01.` +
        (value.readInt32LE(1) === 1 ? " 01 00 00 00 is the little-endian order; the wire format is big-endian." : "") +
        (value.readInt32BE(0) === 1
          ? " The record starts with the schema id itself: the magic byte 00 comes first, so the header is 5 bytes."
          : ""),
    );
  let id: number;
  let got: string;
  try {
    const [n, afterId] = readVarint(value, 5);
    const [length, afterLength] = readVarint(value, afterId);
    id = n;
    got = value.toString("utf8", afterLength, afterLength + length);
    const left = value.length - afterLength - length;
    if (left !== 0)
      throw new Error(
        `the name's length prefix says ${length} bytes, but ${length + left} bytes follow it. A string's length is its UTF-8 byte count, not its number of characters ("${want.name}" is ${want.name.length} characters, ${Buffer.byteLength(want.name)} bytes)`,
      );
  } catch (error) {
    return fail(`record ${i} does not decode as { id: int, name: string }: ${(error as Error).message}.`);
  }
  if (id !== want.id || got !== want.name)
    fail(`record ${i} decodes to { id: ${id}, name: "${got}" }; expected { id: ${want.id}, name: "${want.name}" }.`);
});
console.log(`✓ All ${total} records carry magic byte 0 and schema id 1, and their Avro bodies decode to Ada, Grace and Zoë.`);
