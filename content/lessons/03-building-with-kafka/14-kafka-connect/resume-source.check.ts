// Reads connect-lines and connect-lines-offsets from the cluster.
import { readTopic, topic } from "lab";

const data = topic("connect-lines");
const offsets = topic("connect-lines-offsets");
const expectedLines = ["line 1", "line 2", "line 3", "line 4", "line 5"];

function fail(reason: string): never {
  console.log(`✗ ${reason}`);
  process.exit(1);
}

const records = new Map<string, { key: string; value: string }[]>();
for (const name of [data, offsets]) {
  const values = (await readTopic(name)).map((r) => ({ key: String(r.key), value: String(r.value) }));
  records.set(name, values);
}

const lines = records.get(data)!.map((r) => r.value);
if (lines.join("|") !== expectedLines.join("|")) {
  const dupes = lines.filter((line, i) => lines.indexOf(line) !== i);
  fail(
    `connect-lines holds ${lines.length} records [${lines.join(", ")}]${dupes.length ? `; ${dupes.join(", ")} came twice` : ""}. It should hold line 1 … line 5, each once.`,
  );
}
const last = records.get(offsets)!.at(-1);
const fileLength = Buffer.byteLength(expectedLines.map((l) => `${l}\n`).join(""));
const stored = last ? (JSON.parse(last.value) as { position: number }).position : -1;
if (stored !== fileLength) fail(`the last stored source offset is ${stored}, but the whole file (${fileLength} bytes) has been read.`);
console.log(`✓ Each line reached connect-lines once, and the stored source offset (${stored}) points at the end of the file.`);
