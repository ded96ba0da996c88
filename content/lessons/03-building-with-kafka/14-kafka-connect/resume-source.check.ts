// Reads connect-lines and connect-lines-offsets from the cluster: what the crashed worker-1 left, then what the
// restarted task on worker-2 produced and stored.
import { readTopic, topic } from "lab";

const crashed = ["line 1", "line 2", "line 3"]; // produced by worker-1 before it crashed
const storedByWorker1 = Buffer.byteLength("line 1\nline 2\n"); // its last stored source offset: after line 2
const afterRestart = ["line 3", "line 4", "line 5", "line 6"]; // resuming at that offset sends line 3 again
const fileLength = Buffer.byteLength(["line 1", "line 2", "line 3", "line 4", "line 5", "line 6"].map((l) => `${l}\n`).join(""));

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const lines = await readTopic(topic("connect-lines"));
const stored = await readTopic(topic("connect-lines-offsets"));

// The crash is the point of the exercise: it must have happened before the restarted task ran.
const left = lines.slice(0, crashed.length);
const firstOffset = stored[0];
if (
  left.map((r) => r.value).join("|") !== crashed.join("|") ||
  left.some((r) => r.headers.worker !== "worker-1") ||
  firstOffset?.headers.worker !== "worker-1" ||
  (JSON.parse(String(firstOffset.value)) as { position: number }).position !== storedByWorker1
) {
  fail(
    "the topics do not start with what the crashed worker-1 left behind (line 1 to line 3, and a stored source offset of " +
      `${storedByWorker1}). Keep the "crashed worker" part of the program as it is; the restarted task comes after it.`,
  );
}

const sent = lines.slice(crashed.length).map((r) => String(r.value));
if (sent.join("|") !== afterRestart.join("|")) {
  const shown = `after the restart, connect-lines received [${sent.join(", ")}]`;
  if (sent[0] === "line 1")
    fail(
      `${shown}. worker-2 started at byte 0, so it sent again the lines before worker-1's stored source offset ` +
        `(${storedByWorker1}). Start each poll from the position stored in connect-lines-offsets.`,
    );
  if (sent[0] === "line 4")
    fail(
      `${shown}, but line 3 is missing. worker-1 crashed before storing the offset after line 3, so its stored ` +
        `source offset (${storedByWorker1}) points at the start of line 3, and a task that resumes from it sends line 3 ` +
        "again (sources are at-least-once). Read the position from connect-lines-offsets, not from what connect-lines holds.",
    );
  fail(
    `${shown}; resuming at worker-1's stored source offset (${storedByWorker1}) gives [${afterRestart.join(", ")}]. ` +
      "A source offset is a byte position in the file, read from connect-lines-offsets; Kafka's own offsets say nothing about the file.",
  );
}

const last = stored.at(-1)!;
const position = (JSON.parse(String(last.value)) as { position: number }).position;
if (stored.length < 3 || position !== fileLength)
  fail(`the last stored source offset is ${position}, but after the last poll the whole file (${fileLength} bytes) has been read.`);
console.log(
  `✓ worker-2 resumed at worker-1's stored source offset (${storedByWorker1}): it sent line 3 again, then line 4 to line 6 once each, and stored ${position}, the end of the file.`,
);
