import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freshTopic, groupId, kafka } from "lab";

// What FileStreamSource does, written out: read new lines from a file, produce each one, remember the position.
const data = await freshTopic("connect-test", { partitions: 1 });
const offsets = await freshTopic("connect-offsets", { partitions: 1, configs: { "cleanup.policy": "compact" } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-"));
const file = path.join(dir, "test.txt");
fs.writeFileSync(file, "foo\nbar\n");

const producer = kafka.producer();
await producer.connect();
// Connect stores a source offset under a key made of the connector name and the "source partition" (the file).
const offsetKey = JSON.stringify(["local-file-source", { filename: "test.txt" }]);

/** The last value stored under our key in the offsets topic (a compacted topic: latest value wins). */
async function storedPosition(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(offsets);
  await admin.disconnect();
  if (Number(end!.high) === 0) return 0; // never ran: start at the beginning of the file
  let position = 0;
  const reader = kafka.consumer({ groupId: groupId("offset-reader") });
  await reader.connect();
  await reader.subscribe({ topic: offsets, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void reader.run({
      autoCommit: false, // a lookup, not a subscription: always read the whole offsets topic
      eachMessage: async ({ message }) => {
        if (String(message.key) === offsetKey) position = (JSON.parse(String(message.value)) as { position: number }).position;
        if (Number(message.offset) === Number(end!.high) - 1) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await reader.disconnect();
  return position;
}

/** One poll of the source task: new complete lines since the stored position. */
async function poll(): Promise<void> {
  const start = await storedPosition();
  const text = fs.readFileSync(file, "utf8").slice(start);
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  const lines = complete.split("\n").filter(Boolean);
  if (lines.length === 0) return;
  // JsonConverter with schemas.enable=true wraps each value in a schema + payload envelope.
  await producer.send({
    topic: data,
    messages: lines.map((line) => ({ value: JSON.stringify({ schema: { type: "string", optional: false }, payload: line }) })),
  });
  const position = start + Buffer.byteLength(complete);
  await producer.send({ topic: offsets, messages: [{ key: offsetKey, value: JSON.stringify({ position }) }] });
  console.log(`poll: started at byte ${start}, produced ${lines.length} line(s), stored position ${position}`);
}

await poll(); // reads foo and bar
fs.appendFileSync(file, "Another line\n");
await poll(); // resumes after bar: only the new line
await producer.disconnect();
fs.rmSync(dir, { recursive: true, force: true });

const admin = kafka.admin();
await admin.connect();
const [end] = await admin.fetchTopicOffsets(data);
await admin.disconnect();
console.log(`connect-test now holds ${end!.high} records`);
