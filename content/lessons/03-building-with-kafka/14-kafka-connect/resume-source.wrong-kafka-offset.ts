import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freshTopic, groupId, kafka } from "lab";

const data = await freshTopic("connect-lines", { partitions: 1 });
const offsets = await freshTopic("connect-lines-offsets", { partitions: 1, configs: { "cleanup.policy": "compact" } });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connect-"));
const file = path.join(dir, "lines.txt");
const offsetKey = JSON.stringify(["lines-source", { filename: "lines.txt" }]);

const producer = kafka.producer();
await producer.connect();

// ─── What the crashed worker left behind. Keep this part as it is: the check looks for it. ───
// worker-1 ran the task: it produced line 1 to line 3 and stored its source offset after line 2, then crashed
// before storing the offset after line 3. While no worker ran, line 4 and line 5 were appended to the file.
fs.writeFileSync(file, "line 1\nline 2\nline 3\nline 4\nline 5\n");
await producer.send({
  topic: data,
  messages: ["line 1", "line 2", "line 3"].map((value) => ({ value, headers: { worker: "worker-1" } })),
});
const storedByWorker1 = Buffer.byteLength("line 1\nline 2\n");
await producer.send({
  topic: offsets,
  messages: [{ key: offsetKey, value: JSON.stringify({ position: storedByWorker1 }), headers: { worker: "worker-1" } }],
});

// ─── From here on this program is worker-2, where the task restarts with nothing in memory. ───

/** The position last stored under offsetKey, or 0 when the task has never stored one. */
async function storedPosition(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(offsets);
  await admin.disconnect();
  if (Number(end!.high) === 0) return 0;
  let position = 0;
  const reader = kafka.consumer({ groupId: groupId("lines-offset-reader") });
  await reader.connect();
  await reader.subscribe({ topic: offsets, fromBeginning: true });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 10_000);
    void reader.run({
      autoCommit: false,
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

/** The offset the offsets topic will give its next record: how many offsets have been stored so far. */
async function offsetsStored(): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const [end] = await admin.fetchTopicOffsets(offsets);
  await admin.disconnect();
  return Number(end!.high);
}

/** One poll of the source task. */
async function poll(): Promise<void> {
  console.log(`stored source offset: ${await storedPosition()}`);
  // Resume from the offsets topic's own offset.
  const start = await offsetsStored();
  const text = fs.readFileSync(file, "utf8").slice(start);
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  const lines = complete.split("\n").filter(Boolean);
  if (lines.length === 0) return;
  await producer.send({ topic: data, messages: lines.map((line) => ({ value: line })) });
  const position = start + Buffer.byteLength(complete);
  await producer.send({ topic: offsets, messages: [{ key: offsetKey, value: JSON.stringify({ position }) }] });
  console.log(`poll: started at byte ${start}, produced ${lines.length} line(s), stored position ${position}`);
}

await poll(); // worker-2's first poll after the restart
fs.appendFileSync(file, "line 6\n");
await poll(); // its next poll picks up only the new line
await producer.disconnect();
fs.rmSync(dir, { recursive: true, force: true });
