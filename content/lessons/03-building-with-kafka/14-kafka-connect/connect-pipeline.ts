import fs from "node:fs";
import path from "node:path";
import { connectWorker, displayName, freshTopic, readTopic, sleep, topic } from "lab";

// The course's Connect worker: a real distributed worker from the Apache Kafka 4.3.1 jars, reached through its
// REST API. Connector names carry your session's prefix, like topics.
const connect = connectWorker();
const root = await connect.request<{ version: string }>("GET", "");
console.log(`worker: Kafka Connect ${root.body.version}`);

const run = Date.now().toString(36);
const lines = await freshTopic("connect-lines", { partitions: 1 });
const source = topic(`file-source-${run}`);
const sink = topic(`file-sink-${run}`);
fs.writeFileSync(path.join(connect.files, "in.txt"), "foo\nbar\n");
fs.rmSync(path.join(connect.files, "out.txt"), { force: true });

// PUT /connectors/<name>/config creates the connector, or changes it if it exists.
async function create(name: string, config: Record<string, string>): Promise<void> {
  const answer = await connect.request("PUT", `connectors/${encodeURIComponent(name)}/config`, config);
  if (answer.status >= 300) throw new Error(`${displayName(name)}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  console.log(`created ${displayName(name)} (HTTP ${answer.status})`);
}
await create(source, { "connector.class": "FileStreamSource", "tasks.max": "1", file: `${connect.workerFiles}/in.txt`, topic: lines });
await create(sink, { "connector.class": "FileStreamSink", "tasks.max": "1", file: `${connect.workerFiles}/out.txt`, topics: lines });

/** Waits until the sink's file holds `count` lines, and returns them. */
async function sinkLines(count: number): Promise<string[]> {
  const file = path.join(connect.files, "out.txt");
  for (let waited = 0; waited < 20_000; waited += 250) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    const got = text.split("\n").filter(Boolean);
    if (got.length >= count) return got;
    await sleep(250);
  }
  throw new Error(`out.txt did not reach ${count} lines within 20 s`);
}
console.log(`out.txt: ${(await sinkLines(2)).join(" | ")}`);

fs.appendFileSync(path.join(connect.files, "in.txt"), "Another line\n");
console.log(`appended a line; out.txt: ${(await sinkLines(3)).join(" | ")}`);

for (const name of [source, sink]) {
  const status = await connect.request<{ type: string; connector: { state: string }; tasks: { id: number; state: string }[] }>(
    "GET",
    `connectors/${encodeURIComponent(name)}/status`,
  );
  const tasks = status.body.tasks.map((t) => `task ${t.id} ${t.state}`).join(", ");
  console.log(`${displayName(name)}: ${status.body.type} ${status.body.connector.state}, ${tasks}`);
}

// What the source wrote: JsonConverter without schemas, so each value is a JSON string.
for (const record of await readTopic(lines)) console.log(`${displayName(lines)}@${record.offset}: ${record.value}`);

for (const name of [source, sink]) await connect.request("DELETE", `connectors/${encodeURIComponent(name)}`);
