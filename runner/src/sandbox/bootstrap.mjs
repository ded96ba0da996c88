// Entry point of every run, inside whatever engine isolates it. It loads kafkajs first (so a warm process has
// paid for it before a run is assigned), then reads one request from stdin: a JSON line with the run's
// environment, followed by the snippet's JavaScript until end of input. `lab` is loaded only after that, because
// it builds its client from the session's environment (its names and, in classroom mode, its login).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

await import("kafkajs");

const workdir = process.argv[2] ?? process.cwd();
let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;
const newline = input.indexOf("\n");
const header = JSON.parse(input.slice(0, newline));
Object.assign(process.env, header.env);
await import("lab");
const file = path.join(workdir, "main.mjs");
fs.writeFileSync(file, input.slice(newline + 1));
await import(pathToFileURL(file).href);
