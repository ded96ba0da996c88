// Entry point of every run, inside whatever engine isolates it. It loads kafkajs and lab first (so a warm
// process has paid for them before a run is assigned), then reads one request from stdin: a JSON line with
// the run's environment, followed by the snippet's JavaScript until end of input.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

await import("kafkajs");
await import("lab");

const workdir = process.argv[2] ?? process.cwd();
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const newline = input.indexOf("\n");
const header = JSON.parse(input.slice(0, newline));
Object.assign(process.env, header.env);
const file = path.join(workdir, "main.mjs");
fs.writeFileSync(file, input.slice(newline + 1));
await import(pathToFileURL(file).href);
