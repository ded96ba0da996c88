import fs from "node:fs";
import path from "node:path";
import { connectWorker, displayName, freshTopic, readTopic, sleep, topic } from "lab";

// A source connector is stopped, lines are appended while it is down, and it is resumed. Its task starts again
// from the source offset the worker stored in its offsets topic, so nothing is read twice.
const connect = connectWorker();
const run = Date.now().toString(36);
const lines = await freshTopic("resume-lines", { partitions: 1 });
const name = topic(`resume-source-${run}`);
const url = `connectors/${encodeURIComponent(name)}`;
const file = path.join(connect.files, `resume-${run}.txt`);
fs.writeFileSync(file, "line 1\nline 2\nline 3\n");

const put = await connect.request("PUT", `${url}/config`, {
  "connector.class": "FileStreamSource",
  "tasks.max": "1",
  file: `${connect.workerFiles}/resume-${run}.txt`,
  topic: lines,
});
if (put.status >= 300) throw new Error(`HTTP ${put.status} ${JSON.stringify(put.body)}`);

/** Waits until the topic holds `count` records, and returns their values. */
async function values(count: number): Promise<string[]> {
  for (let waited = 0; waited < 20_000; waited += 500) {
    const records = await readTopic(lines);
    if (records.length >= count) return records.map((r) => String(r.value));
    await sleep(500);
  }
  throw new Error(`${displayName(lines)} did not reach ${count} records within 20 s`);
}

interface Offsets {
  offsets: { partition: { filename: string }; offset: { position: number } }[];
}
/**
 * GET /connectors/<name>/offsets (KIP-875): the source offset the worker has stored for the connector. The worker
 * stores it every second, so this waits (up to 10 s) until it has caught up with the end of the file.
 */
async function storedPosition(): Promise<number | undefined> {
  let position: number | undefined;
  for (let waited = 0; waited < 10_000 && position !== fs.statSync(file).size; waited += 500) {
    if (waited > 0) await sleep(500);
    const answer = await connect.request<Offsets>("GET", `${url}/offsets`);
    position = answer.body.offsets?.[0]?.offset.position;
  }
  return position;
}

console.log(`first run: ${(await values(3)).join(", ")}`);
console.log(`stored source offset: position ${await storedPosition()} of ${fs.statSync(file).size} bytes`);

const stopped = await connect.request("PUT", `${url}/stop`);
console.log(`PUT ${displayName(name)}/stop: HTTP ${stopped.status}`);
fs.appendFileSync(file, "line 4\nline 5\n");
console.log("appended line 4 and line 5 while it was stopped");
const resumed = await connect.request("PUT", `${url}/resume`);
console.log(`PUT ${displayName(name)}/resume: HTTP ${resumed.status}`);

const all = await values(5);
console.log(`after resume: ${all.join(", ")}`);
const twice = all.filter((value, i) => all.indexOf(value) !== i);
console.log(twice.length ? `read twice: ${twice.join(", ")}` : "no line was read twice");
console.log(`stored source offset: position ${await storedPosition()} of ${fs.statSync(file).size} bytes`);

await connect.request("DELETE", url);
