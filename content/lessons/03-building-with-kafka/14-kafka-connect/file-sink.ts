import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freshTopic, groupId, kafka } from "lab";

// What FileStreamSink does, written out: a consumer group that unwraps each record and appends it to a file.
const data = await freshTopic("connect-sink-test", { partitions: 1 });
const producer = kafka.producer();
await producer.connect();
await producer.send({
  topic: data,
  messages: ["foo", "bar", "Another line"].map((line) => ({
    value: JSON.stringify({ schema: { type: "string", optional: false }, payload: line }),
  })),
});
await producer.disconnect();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-"));
const sinkFile = path.join(dir, "test.sink.txt");

// A sink connector named "local-file-sink" reads as consumer group "connect-local-file-sink".
const sink = kafka.consumer({ groupId: groupId("connect-local-file-sink") });
await sink.connect();
await sink.subscribe({ topic: data, fromBeginning: true });
let written = 0;
await new Promise<void>((resolve) => {
  const timer = setTimeout(resolve, 10_000);
  void sink.run({
    eachMessage: async ({ message }) => {
      // The converter turns bytes back into a value; the task only ever sees the payload.
      const { payload } = JSON.parse(String(message.value)) as { payload: string };
      fs.appendFileSync(sinkFile, `${payload}\n`);
      // The offset is committed after the write, so a crash repeats a line rather than losing it.
      if (++written === 3) {
        clearTimeout(timer);
        resolve();
      }
    },
  });
});
await sink.disconnect();

console.log(`test.sink.txt after ${written} records:`);
for (const line of fs.readFileSync(sinkFile, "utf8").trimEnd().split("\n")) console.log(`  ${line}`);
fs.rmSync(dir, { recursive: true, force: true });

const admin = kafka.admin();
await admin.connect();
const [committed] = await admin.fetchOffsets({ groupId: groupId("connect-local-file-sink"), topics: [data] });
await admin.disconnect();
console.log(`group connect-local-file-sink committed offset ${committed!.partitions[0]!.offset} on partition 0`);
