/**
 * Class-data sharing for the Kafka CLI in sandboxes. Each Kafka tool an `sh` run starts is a fresh JVM that loads
 * a few thousand classes from 90 jars; a CDS archive of those classes, mapped at start, saves most of that time
 * and about a quarter of its memory. The archive must be made with the very paths a run sees (the jars at
 * SANDBOX_KAFKA_CLI_LIBS, the same JDK), so it is made inside a sandbox: the tools run once each against a closed
 * port, each recording the classes it loaded, and `java -Xshare:dump` builds one archive from all of them. It is
 * cached under OFFSET_HOME, keyed by the JDK and the jars, so a machine makes it once.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { KafkaCli } from "../cluster/local/kafka-cli.ts";
import { requestLine } from "./run-request.ts";
import { SandboxProcess, type ToolMounts, type Layout } from "./sandbox-process.ts";
import { supervise } from "./supervise.ts";
import type { RunLimits } from "./types.ts";

/** Where a run finds the archive (read-only); the launcher uses it when KAFKA_CLI_CDS names a readable file. */
export const SANDBOX_CLI_ARCHIVE = "/opt/kafka/cds/kafka-cli.jsa";
const SANDBOX_DUMP_DIR = "/opt/kafka/cds-dump";

/**
 * The tools whose classes go into the archive, each with arguments that make it load its client (admin, producer,
 * consumer, share consumer) and fail fast against a port nothing listens on.
 */
const DUMP_RUNS: readonly string[] = [
  'kafka-topics.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --list',
  'kafka-topics.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --describe --topic t',
  'echo k:v | kafka-console-producer.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --topic t --property parse.key=true',
  'kafka-console-consumer.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --topic t --from-beginning --timeout-ms 1500 --property print.key=true',
  'kafka-consumer-groups.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --describe --group g',
  'kafka-configs.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --describe --entity-type topics --entity-name t',
  'kafka-metadata-quorum.sh --command-config "$cfg" --bootstrap-server 127.0.0.1:9 describe --status',
  'kafka-console-share-consumer.sh --bootstrap-server 127.0.0.1:9 --command-config "$cfg" --topic t --timeout-ms 1500',
];

/** The script the preparation sandbox runs (bash), writing dump/kafka-cli.jsa. */
export function dumpScript(): string {
  const runs = DUMP_RUNS.map(
    (command, i) =>
      `KAFKA_OPTS="-XX:DumpLoadedClassList=$out/${i}.classlist" timeout 30 bash -c '${command.replace(/'/g, "'\\''")}' >/dev/null 2>&1 || true`,
  );
  return [
    "set -e",
    `out=${SANDBOX_DUMP_DIR}`,
    'cfg="$out/unreachable.properties"',
    "printf 'request.timeout.ms=1000\\ndefault.api.timeout.ms=1500\\nmax.block.ms=1500\\nsocket.connection.setup.timeout.ms=200\\nsocket.connection.setup.timeout.max.ms=500\\nretries=0\\n' > \"$cfg\"",
    'export PATH="$LAB_KAFKA_BIN:$PATH" cfg',
    ...runs,
    'sort -u "$out"/*.classlist > "$out/all.classlist"',
    'cp=$(printf "%s:" "$LAB_KAFKA_CLI_LIBS"/*.jar)',
    '"$LAB_JAVA" -Xshare:dump -XX:SharedClassListFile="$out/all.classlist" -XX:SharedArchiveFile="$out/kafka-cli.jsa" -XX:+UseSerialGC -cp "${cp%:}" >"$out/dump.log" 2>&1',
    "",
  ].join("\n");
}

/** The archive's cache key: the JDK and every jar's name, size and modification time (the JVM checks them). */
export function archiveKey(java: string, libs: string): string {
  const hash = crypto.createHash("sha256").update(fs.realpathSync(java));
  for (const jar of fs
    .readdirSync(libs)
    .filter((name) => name.endsWith(".jar"))
    .sort()) {
    const stat = fs.statSync(path.join(libs, jar));
    hash.update(`${jar}:${stat.size}:${Math.floor(stat.mtimeMs)}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Returns the host path of the archive for these mounts, making it first when the cache has none. Resolves
 * undefined (and logs why) when it cannot be made: the tools then start without it, only slower.
 */
export async function cliArchive(options: {
  layout: Layout;
  cli: KafkaCli;
  /** Java plus the CLI, as runs get them (the archive is only valid for these paths). */
  mounts: ToolMounts;
  java: string;
  /** The engine's own folder (world-readable), where the dump is written. */
  folder: string;
  limits: RunLimits;
}): Promise<string | undefined> {
  const { layout, cli, mounts, folder, limits } = options;
  const cached = path.join(cli.root, "cds", `${archiveKey(options.java, cli.libs)}.jsa`);
  if (fs.existsSync(cached)) return cached;
  const dump = path.join(folder, "cds-dump");
  fs.rmSync(dump, { recursive: true, force: true });
  fs.mkdirSync(dump, { recursive: true });
  // The sandbox may run as nobody; only this folder is writable to it, and only during this run.
  fs.chmodSync(dump, 0o777);
  const started = performance.now();
  const sandbox = new SandboxProcess(layout, {
    brokers: "",
    ports: [],
    services: [],
    tools: mounts,
    writable: [[dump, SANDBOX_DUMP_DIR]],
    limits: { memoryMb: limits.memoryMb, maxProcesses: limits.maxProcesses },
  });
  let output = "";
  const spec = {
    code: `import { spawnSync } from "node:child_process";\nconst r = spawnSync("/bin/bash", ["-c", ${JSON.stringify(dumpScript())}], { stdio: "inherit" });\nprocess.exitCode = r.status ?? 1;\n`,
    env: { ...mounts.env },
    limits: { ...limits, timeoutMs: 180_000 },
    signal: new AbortController().signal,
    onStdout: (text: string) => (output += text),
    onStderr: (text: string) => (output += text),
    onKafkaEvent: () => {},
  };
  try {
    const result = await supervise({ child: sandbox.child, killTree: () => sandbox.kill(), input: requestLine(spec) }, spec);
    const made = path.join(dump, "kafka-cli.jsa");
    if (result.reason !== "ok" || !fs.existsSync(made)) {
      const log = fs.existsSync(path.join(dump, "dump.log")) ? fs.readFileSync(path.join(dump, "dump.log"), "utf8") : "";
      console.error(`[runner] the Kafka CLI's class-data archive was not made (${result.reason}): ${(output + log).trim().slice(-600)}`);
      return undefined;
    }
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const partial = `${cached}.${process.pid}.partial`;
    fs.copyFileSync(made, partial);
    fs.chmodSync(partial, 0o644);
    // Written by the sandbox's user; the cached copy belongs to the runner, so no run can ever change it.
    if (process.getuid?.() === 0) fs.chownSync(partial, 0, 0);
    fs.renameSync(partial, cached);
    console.error(
      `[runner] the Kafka CLI's class-data archive is ready (${((performance.now() - started) / 1000).toFixed(1)} s, ${Math.round(fs.statSync(cached).size / 1048576)} MB)`,
    );
    return cached;
  } finally {
    await sandbox.dispose();
    fs.rmSync(dump, { recursive: true, force: true });
  }
}
