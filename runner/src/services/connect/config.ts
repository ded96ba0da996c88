/**
 * What the Kafka Connect worker is made of: its files under the run folder, the worker and log4j2 configuration
 * written before each start, the JVM's command line, and the bubblewrap jail around it. Everything here is pure,
 * so it is unit-tested without a JVM.
 */
import path from "node:path";
import { rootLinkArgs, type RootLink } from "../../sandbox/usr-links.ts";

export const CONNECT_MAIN = "org.apache.kafka.connect.cli.ConnectDistributed";

/**
 * The worker group and its three internal topics. "__" is Kafka's own mark for internal topics, and the course's
 * topic policy (CoursePolicy) leaves "__" topics alone, so a tight LIMIT_TOPIC_PARTITIONS cannot keep the worker
 * from starting; the "offset-connect" part says whose they are, and no learner following the Connect
 * documentation (which names them connect-configs, connect-offsets, connect-status) collides with them.
 */
export const CONNECT_GROUP_ID = "offset-connect";

/** The internal topics of worker group `group`: __offset-connect-configs, -offsets and -status by default. */
export function connectTopics(group = CONNECT_GROUP_ID): { configs: string; offsets: string; status: string } {
  return { configs: `__${group}-configs`, offsets: `__${group}-offsets`, status: `__${group}-status` };
}
/** The course cluster has three brokers: every internal topic survives one of them stopping. */
export const CONNECT_REPLICATION_FACTOR = 3;

/**
 * Heap and JIT sized for two shared cores (measured with Connect 4.3.1 and service_load discovery: 126 MiB
 * resident at rest with these flags, against 220 MiB with -Xmx256m and C2, and 507 MiB with the reflective
 * plugin scan). C1 alone starts faster and is plenty for FileStream connectors.
 */
export const CONNECT_HEAP_MB = 192;
export const CONNECT_JVM_FLAGS = [
  "-Xms32m",
  `-Xmx${CONNECT_HEAP_MB}m`,
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-XX:ReservedCodeCacheSize=48m",
  // No hsperfdata file in /tmp (and nothing for jps to find): the course finds its JVMs by their pid files.
  "-XX:-UsePerfData",
  "-Djava.awt.headless=true",
] as const;

/** Where the worker sees the session folders when it runs in its jail (the folder of all sessions). */
export const WORKER_FILES_MOUNT = "/connect-files";

export interface ConnectLayout {
  runDir: string;
  confDir: string;
  workerProperties: string;
  log4jProperties: string;
  /** Every session's folder is in here, named by a keyed hash of the session (see index.ts). */
  filesRoot: string;
  /** Sessions forgotten while the worker was down: their connectors go at its next start. */
  pendingForgetFile: string;
  /** The measured resident memory of the last start, for the next runner's budget. */
  memoryFile: string;
}

export function layout(runDir: string, filesRoot = path.join(runDir, "files")): ConnectLayout {
  const confDir = path.join(runDir, "conf");
  return {
    runDir,
    confDir,
    workerProperties: path.join(confDir, "worker.properties"),
    log4jProperties: path.join(confDir, "log4j2.properties"),
    filesRoot,
    pendingForgetFile: path.join(runDir, "forget-sessions.json"),
    memoryFile: path.join(runDir, "memory-mb"),
  };
}

export interface WorkerOptions {
  /** The course cluster's plaintext brokers (the runner's listener, where the worker is a super user). */
  bootstrap: readonly string[];
  restPort: number;
  /** plugin.path as the worker sees it. */
  pluginPath: string;
  /** plugin.discovery=service_load (measured: a third faster to start, less than half the memory). */
  serviceLoad?: boolean;
  /** The worker group (and its topics' names); CONNECT_GROUP_ID unless a test runs its own beside the course's. */
  group?: string;
}

/** worker.properties for distributed mode. */
export function workerProperties(options: WorkerOptions): string {
  const { bootstrap, restPort, pluginPath, serviceLoad = true, group = CONNECT_GROUP_ID } = options;
  const topics = connectTopics(group);
  const lines: Record<string, string | number> = {
    "bootstrap.servers": bootstrap.join(","),
    "group.id": group,
    "config.storage.topic": topics.configs,
    "offset.storage.topic": topics.offsets,
    "status.storage.topic": topics.status,
    "config.storage.replication.factor": CONNECT_REPLICATION_FACTOR,
    "offset.storage.replication.factor": CONNECT_REPLICATION_FACTOR,
    "status.storage.replication.factor": CONNECT_REPLICATION_FACTOR,
    // One worker and a handful of connectors: the defaults (25 and 5) only slow the first start.
    "offset.storage.partitions": 3,
    "status.storage.partitions": 1,
    "key.converter": "org.apache.kafka.connect.json.JsonConverter",
    "value.converter": "org.apache.kafka.connect.json.JsonConverter",
    "key.converter.schemas.enable": "false",
    "value.converter.schemas.enable": "false",
    // A source's position is stored every second, so a restarted worker resumes where it stopped.
    "offset.flush.interval.ms": 1000,
    // The runner's own address: learners reach the REST API only through the gate (rest-gate.ts).
    listeners: `http://127.0.0.1:${restPort}`,
    "rest.advertised.host.name": "127.0.0.1",
    "rest.advertised.port": restPort,
    "rest.advertised.listener": "http",
    "plugin.path": pluginPath,
    ...(serviceLoad ? { "plugin.discovery": "service_load" } : {}),
    // Connectors' clients take the overrides the gate adds (a classroom session's learner listener and login);
    // a learner's own override settings never reach the worker (policy.ts allows none).
    "connector.client.config.override.policy": "All",
    // A single worker: when it comes back after a crash, its connectors are assigned at once, not after 5 min.
    "scheduled.rebalance.max.delay.ms": 0,
  };
  return [
    "# Written by the course before each start; edits are overwritten.",
    ...Object.entries(lines).map(([key, value]) => `${key}=${value}`),
    "",
  ].join("\n");
}

/**
 * log4j2: warnings on standard output (the course keeps it in logs/connect.log), plus the lines that say the worker
 * started and stopped. The plugin scanner's noise and FileStream's "waiting for the file" every second stay out.
 */
export const log4j2Properties = `# Written by the course before each start.
status = error
name = offset-connect
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.console.ref = console
logger.connect.name = org.apache.kafka.connect.runtime.Connect
logger.connect.level = INFO
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.file.name = org.apache.kafka.connect.file
logger.file.level = ERROR
`;

export interface JvmCommand {
  /** The java binary's real path. */
  java: string;
  libs: string;
  files: ConnectLayout;
}

/** The JVM's arguments (after the java binary). */
export function jvmArgs(command: Omit<JvmCommand, "java">): string[] {
  return [
    ...CONNECT_JVM_FLAGS,
    `-Dlog4j2.configurationFile=${command.files.log4jProperties}`,
    "-cp",
    `${command.libs}/*`,
    CONNECT_MAIN,
    command.files.workerProperties,
  ];
}

export interface Jail {
  bwrap: string;
  /** /bin, /lib, … : symlinks into /usr (merged /usr) or real folders to bind. */
  usrLinks: readonly RootLink[];
  /** The JDK's home, bound when it is not under /usr. */
  javaHome: string;
  /** Folders outside /usr the JDK links into (Debian's /etc/java-17-openjdk). */
  javaLinks: readonly string[];
  plugins: string;
  /** Not root: bwrap needs a user namespace of its own. */
  unprivileged: boolean;
}

/**
 * bubblewrap around the JVM: a mount namespace with /usr, the JDK, the jars and the configuration read-only and
 * the session folders at WORKER_FILES_MOUNT, and no capabilities. A FileStream connector follows whatever path
 * or symlink a learner gives it, and the worker writes with the runner's rights: in here, nothing else of the
 * host (no /root, no /etc, no runner secret) exists to read or overwrite. The network stays the host's (the
 * brokers and the REST listener are on its loopback).
 */
export function jailArgs(jail: Jail, command: JvmCommand): string[] {
  const { files } = command;
  const underUsr = command.java.startsWith("/usr/");
  return [
    jail.bwrap,
    ...(jail.unprivileged ? ["--unshare-user"] : []),
    "--unshare-ipc",
    "--unshare-uts",
    // Before the binds: a folder under /tmp (a test's run folder) is bound on top of the empty /tmp.
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--tmpfs",
    "/tmp",
    "--ro-bind",
    "/usr",
    "/usr",
    ...rootLinkArgs(jail.usrLinks),
    ...(underUsr ? [] : ["--ro-bind", jail.javaHome, jail.javaHome]),
    ...jail.javaLinks.flatMap((dir) => ["--ro-bind", dir, dir]),
    "--ro-bind",
    command.libs,
    command.libs,
    "--ro-bind",
    jail.plugins,
    jail.plugins,
    "--ro-bind",
    files.confDir,
    files.confDir,
    "--bind",
    files.filesRoot,
    WORKER_FILES_MOUNT,
    "--chdir",
    "/tmp",
    "--cap-drop",
    "ALL",
    "--",
    command.java,
    ...jvmArgs(command),
  ];
}
