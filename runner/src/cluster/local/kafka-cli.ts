/**
 * Apache Kafka's command-line tools for `sh` snippets: the tool classes from Maven Central (runner/kafka/cli/pom.xml,
 * the course cluster's version) and, beside them, a `bin` folder with the scripts a Kafka user knows
 * (`kafka-topics.sh`, `kafka-console-consumer.sh`, …). Each script starts its tool's real class through
 * `kafka-run-class.sh`, with JVM flags sized for a run's limits. Engines put `bin` on the PATH of `sh` runs only.
 *
 * In classroom mode a run's client configuration file (LAB_CLIENT_CONFIG) carries the session's login; the
 * launcher hands it to a tool that talks to a broker (`--bootstrap-server` given, no `--command-config` of the
 * learner's own), so the commands read exactly as in Kafka's quickstart.
 */
import fs from "node:fs";
import path from "node:path";
import type { Progress } from "../types.ts";
import { ensureMavenJars, kafkaVersion, pomPath } from "./jars.ts";
import { sharedOnce } from "./once.ts";

export const cliPomPath = path.join(path.dirname(pomPath), "cli", "pom.xml");

/** One script of the Kafka distribution's bin folder. */
export interface CliTool {
  script: string;
  main: string;
  /** The tool connects to brokers and takes `--command-config`: the launcher may add the session's login. */
  login: boolean;
  /**
   * The group the tool joins when it is not given one (the console consumers make one up). In classroom mode a
   * session may only use groups named with its prefix, so the launcher gives this name that prefix.
   */
  group?: string;
}

export const CLI_TOOLS: readonly CliTool[] = [
  { script: "kafka-topics.sh", main: "org.apache.kafka.tools.TopicCommand", login: true },
  { script: "kafka-console-producer.sh", main: "org.apache.kafka.tools.ConsoleProducer", login: true },
  {
    script: "kafka-console-consumer.sh",
    main: "org.apache.kafka.tools.consumer.ConsoleConsumer",
    login: true,
    group: "console-consumer-$RANDOM",
  },
  {
    script: "kafka-console-share-consumer.sh",
    main: "org.apache.kafka.tools.consumer.ConsoleShareConsumer",
    login: true,
    group: "console-share-consumer",
  },
  { script: "kafka-consumer-groups.sh", main: "org.apache.kafka.tools.consumer.group.ConsumerGroupCommand", login: true },
  { script: "kafka-share-groups.sh", main: "org.apache.kafka.tools.consumer.group.ShareGroupCommand", login: true },
  { script: "kafka-groups.sh", main: "org.apache.kafka.tools.GroupsCommand", login: true },
  { script: "kafka-configs.sh", main: "kafka.admin.ConfigCommand", login: true },
  { script: "kafka-acls.sh", main: "org.apache.kafka.tools.AclCommand", login: true },
  { script: "kafka-metadata-quorum.sh", main: "org.apache.kafka.tools.MetadataQuorumCommand", login: true },
  { script: "kafka-features.sh", main: "org.apache.kafka.tools.FeatureCommand", login: true },
  { script: "kafka-get-offsets.sh", main: "org.apache.kafka.tools.GetOffsetShell", login: true },
  { script: "kafka-delete-records.sh", main: "org.apache.kafka.tools.DeleteRecordsCommand", login: true },
  { script: "kafka-leader-election.sh", main: "org.apache.kafka.tools.LeaderElectionCommand", login: true },
  { script: "kafka-log-dirs.sh", main: "org.apache.kafka.tools.LogDirsCommand", login: true },
  { script: "kafka-transactions.sh", main: "org.apache.kafka.tools.TransactionsCommand", login: true },
  { script: "kafka-broker-api-versions.sh", main: "org.apache.kafka.tools.BrokerApiVersionsCommand", login: true },
  { script: "kafka-producer-perf-test.sh", main: "org.apache.kafka.tools.ProducerPerformance", login: true },
  { script: "kafka-consumer-perf-test.sh", main: "org.apache.kafka.tools.ConsumerPerformance", login: true },
  { script: "kafka-storage.sh", main: "kafka.tools.StorageTool", login: false },
  { script: "kafka-cluster.sh", main: "org.apache.kafka.tools.ClusterTool", login: false },
  { script: "kafka-dump-log.sh", main: "org.apache.kafka.tools.DumpLogSegments", login: false },
];

/**
 * The JVM flags every tool starts with: one core, a small heap and code cache, no perf data file, and the class
 * data sharing archive when the run has one (KAFKA_CLI_CDS). KAFKA_HEAP_OPTS and KAFKA_OPTS work as in Kafka's own
 * scripts.
 */
export const CLI_JVM_FLAGS = [
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-XX:ActiveProcessorCount=1",
  "-XX:CICompilerCount=1",
  "-XX:-UsePerfData",
  "-Xss512k",
  "-XX:MaxMetaspaceSize=96m",
  "-XX:ReservedCodeCacheSize=32m",
  "-XX:+ExitOnOutOfMemoryError",
];
export const CLI_DEFAULT_HEAP = "-Xms16m -Xmx128m";

/** What a run needs to start the tools: the jars, the scripts and the tools' logging configuration. */
export interface KafkaCli {
  version: string;
  /** Its folder under OFFSET_HOME (the jars, the scripts, and the class-data archives made for them). */
  root: string;
  libs: string;
  bin: string;
  config: string;
}

/** Where the CLI lives under OFFSET_HOME. */
export function kafkaCliHome(home: string, version = kafkaVersion()): string {
  return path.join(home, `kafka-cli-${version}`);
}

/** Fetches the jars (first time only, with progress) and writes the scripts next to them. */
export async function ensureKafkaCli(home: string, progress: Progress = () => {}): Promise<KafkaCli> {
  const version = kafkaVersion();
  const root = kafkaCliHome(home, version);
  const libs = await ensureMavenJars(
    {
      pom: cliPomPath,
      libs: path.join(root, "libs"),
      title: `the Kafka ${version} command-line tools'`,
      label: `Kafka CLI ${version}`,
      size: "about 54 MB",
      marker: version,
    },
    progress,
  );
  const bin = path.join(root, "bin");
  const config = path.join(root, "config");
  writeCliScripts(bin, config);
  return { version, root, libs, bin, config };
}

/** Writes the launcher, one script per tool and the tools' logging configuration (only what changed). */
export function writeCliScripts(bin: string, config: string): void {
  writeIfChanged(path.join(config, "tools-log4j2.properties"), TOOLS_LOG4J2, 0o644);
  writeIfChanged(path.join(bin, "kafka-run-class.sh"), launcherScript(), 0o755);
  for (const tool of CLI_TOOLS) writeIfChanged(path.join(bin, tool.script), toolScript(tool), 0o755);
}

/** `ensureKafkaCli`, done once and shared (see sharedOnce): the next `sh` run tries again after a failure. */
export function kafkaCliOnce(home: string): (progress?: Progress) => Promise<KafkaCli> {
  return sharedOnce((progress) => ensureKafkaCli(home, progress));
}

/** The tools warn on stderr and stay quiet otherwise, like the distribution's config/tools-log4j2.yaml. */
const TOOLS_LOG4J2 = `# Kafka command-line tools: warnings and errors on stderr.
status = error
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d{HH:mm:ss,SSS}] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
`;

/**
 * The launcher every script goes through. Its environment comes from the engine: LAB_JAVA (the JDK's launcher),
 * LAB_KAFKA_CLI_LIBS (the jars), LAB_KAFKA_CLI_CONFIG (logging), and from the run: LAB_CLIENT_CONFIG.
 */
export function launcherScript(): string {
  return `#!/bin/bash
# kafka-run-class.sh [--login [--group NAME]] CLASS [ARGUMENTS...]
# Starts one Apache Kafka tool class from the course's pinned jars (Kafka ${kafkaVersion()}).
# --login: the tool takes --command-config. Given --bootstrap-server and no client configuration of its own, it gets
# this run's (LAB_CLIENT_CONFIG: the session's login in classroom mode), and with --group, when it names no group
# itself, that group under the session's prefix (a session may use no other groups).
login=0
group=
if [ "$1" = --login ]; then login=1; shift; fi
if [ "$1" = --group ]; then group=$2; shift 2; fi
main=$1
shift
args=()
if [ "$login" = 1 ] && [ -s "\${LAB_CLIENT_CONFIG:-}" ]; then
  bootstrap=0
  own=0
  named=0
  for arg in "$@"; do
    case $arg in
      --bootstrap-server | --bootstrap-server=*) bootstrap=1 ;;
      --command-config | --command-config=* | --producer.config* | --consumer.config* | --consumer-config*) own=1 ;;
      --group | --group=* | group.id=*) named=1 ;;
    esac
  done
  if [ "$bootstrap" = 1 ] && [ "$own" = 0 ]; then
    config=$LAB_CLIENT_CONFIG
    if [ -n "$group" ] && [ "$named" = 0 ]; then
      config=$(mktemp "\${TMPDIR:-/tmp}/lab-client-XXXXXX.properties")
      { cat "$LAB_CLIENT_CONFIG"; echo "group.id=\${LAB_PREFIX:-}$group"; } >"$config"
    fi
    # First, so that a tool with sub-commands (kafka-metadata-quorum.sh describe) reads it as its own option.
    args=(--command-config "$config")
  fi
fi
if [ -z "\${LAB_JAVA:-}" ]; then
  echo "kafka-run-class.sh: this run has no Java\${LAB_JAVA_UNAVAILABLE:+ (\${LAB_JAVA_UNAVAILABLE})}" >&2
  exit 127
fi
cds=()
if [ -n "\${KAFKA_CLI_CDS:-}" ] && [ -r "$KAFKA_CLI_CDS" ]; then cds=(-XX:SharedArchiveFile="$KAFKA_CLI_CDS" -Xlog:cds=off -Xlog:class+path=off); fi
# Every jar by name, sorted: the class-data archive is valid only for the class path it was made with.
cp=$(printf '%s:' "$LAB_KAFKA_CLI_LIBS"/*.jar)
# shellcheck disable=SC2086 # KAFKA_HEAP_OPTS and KAFKA_OPTS hold several flags, as in Kafka's own scripts.
exec "$LAB_JAVA" \${KAFKA_HEAP_OPTS:-${CLI_DEFAULT_HEAP}} ${CLI_JVM_FLAGS.join(" ")} "\${cds[@]}" \${KAFKA_OPTS:-} \\
  "-Dlog4j2.configurationFile=$LAB_KAFKA_CLI_CONFIG/tools-log4j2.properties" \\
  -cp "\${cp%:}" "$main" "\${args[@]}" "$@"
`;
}

function toolScript(tool: CliTool): string {
  return `#!/bin/bash
# ${tool.script}: Apache Kafka's ${tool.main.split(".").pop()} (${tool.main}).
exec "$(dirname "$0")/kafka-run-class.sh" ${tool.login ? "--login " : ""}${tool.group ? `--group ${tool.group} ` : ""}${tool.main} "$@"
`;
}

function writeIfChanged(file: string, text: string, mode: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o755 });
  let current: string | undefined;
  try {
    current = fs.readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current !== text) {
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, text, { mode });
    fs.chmodSync(partial, mode);
    fs.renameSync(partial, file);
  }
}
