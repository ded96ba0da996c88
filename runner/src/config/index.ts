/**
 * Runtime configuration, read once from environment variables and validated here.
 * Every field is documented in README.md ("Configuration"); keep the two in step.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const onOff = z.enum(["on", "off"]);
const positiveInt = z.coerce.number().int().positive();
/** A limit: a whole number, 0 where the README says 0 turns it off. Unset means the course mode's default. */
const limit = z.coerce.number().int().nonnegative().optional();

/** Origins as instructors write them: comma-separated, each scheme://host[:port] with nothing after it. */
const originList = z
  .string()
  .default("")
  .transform((value, ctx) => {
    const origins: string[] = [];
    for (const item of value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean)) {
      let url: URL | undefined;
      try {
        url = new URL(item);
      } catch {
        // reported below
      }
      if (!url || !/^https?:$/.test(url.protocol) || url.origin !== item.replace(/\/$/, "")) {
        ctx.addIssue({
          code: "custom",
          message: `"${item}" is not an origin; write it as https://host or http://host:port, with no path.`,
        });
        continue;
      }
      origins.push(url.origin);
    }
    return origins;
  });

export const configSchema = z.object({
  /** Port for the site and the API. */
  PORT: z.coerce.number().int().min(1).max(65535).default(4321),
  /** Interface to listen on. 127.0.0.1 keeps a single-user course private; use 0.0.0.0 to host a class. */
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Which Kafka to use: `local` JVMs, `docker` compose, an `external` cluster, or `auto` (local when Java 17+ is present, else docker). */
  KAFKA_MODE: z.enum(["auto", "local", "docker", "external"]).default("auto"),
  /** Client port of local broker 1; brokers 2 and 3 use the next two ports, their controllers the same plus 100. */
  KAFKA_PORT: z.coerce.number().int().min(1024).max(65000).default(19092),
  /** Comma-separated bootstrap servers; required when KAFKA_MODE=external. */
  KAFKA_BROKERS: z.string().optional(),
  /** KAFKA_MODE=external, classroom: the cluster's learner (SASL/PLAIN) listener, e.g. compose/classroom.yml's. */
  KAFKA_LEARNER_BROKERS: z.string().optional(),
  /** The file holding that listener's login secret (the course's broker plugin checks logins with it). */
  KAFKA_LEARNER_SECRET_FILE: z.string().optional(),
  /** Where jars, broker data and logs live (outside the repository so they survive a fresh clone). */
  OFFSET_HOME: z.string().default(path.join(os.homedir(), ".cache", "offset")),
  /** How learner code runs: `sandbox` (bubblewrap), `docker`, `process` (no isolation: trusted single user only), or `auto`. */
  RUNNER_ENGINE: z.enum(["auto", "sandbox", "docker", "process"]).default("auto"),
  /** Wall-clock limit for one run, in milliseconds. */
  RUN_TIMEOUT_MS: positiveInt.default(30_000),
  /** Wall clock for one `sh` run, or one of a lesson that starts Java, in milliseconds (JVMs start slowly); never below RUN_TIMEOUT_MS. */
  RUN_CLI_TIMEOUT_MS: positiveInt.default(90_000),
  /** Output limit for one run (stdout plus stderr), in bytes. */
  RUN_OUTPUT_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  /** Memory limit for one run, in MiB. */
  RUN_MEMORY_MB: positiveInt.default(256),
  /** Memory limit for one `sh` run (Kafka CLI tools are JVMs), in MiB; never below RUN_MEMORY_MB. */
  RUN_CLI_MEMORY_MB: positiveInt.default(512),
  /** Process and thread limit for one run. */
  RUN_MAX_PROCESSES: positiveInt.default(64),
  /** Runs executing at once; 0 sizes the pool from cores and memory. */
  RUN_CONCURRENCY: z.coerce.number().int().nonnegative().default(0),
  /** Runs allowed to wait in the queue before new ones get 429. */
  RUN_QUEUE_LIMIT: positiveInt.default(64),
  /** Pre-started sandboxes kept ready with kafkajs loaded; 0 disables the warm pool. */
  RUN_WARM_POOL: z.coerce.number().int().nonnegative().default(2),
  /** `single`: one learner, plain topic names. `classroom`: names are scoped per browser session. */
  COURSE_MODE: z.enum(["single", "classroom"]).default("single"),
  /** Allow stopping and starting brokers from the page. Defaults to on in single mode, off in classroom mode. */
  FAULT_INJECTION: onOff.optional(),
  /** Minutes after which an idle session's topics are deleted (classroom mode). */
  SESSION_IDLE_MINUTES: positiveInt.default(60),
  /** The address learners open, when it is not a loopback address or an IP (a host name, or a proxy in front). */
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: "PUBLIC_URL must be an http(s) URL such as https://kafka.example.org" }).optional(),
  /** Further origins whose pages may call the API (comma-separated), e.g. a proxy's public origin. */
  ALLOWED_ORIGINS: originList,

  // Companion services (ZooKeeper-mode Kafka, RabbitMQ, …), started when a lesson that needs them is opened or run.
  /** Memory all running companion services may hold together, in MiB; over it, idle ones are stopped first. */
  SERVICES_MEMORY_MB: positiveInt.default(2048),
  /** Minutes a companion service may sit unused before it is stopped. */
  SERVICES_IDLE_MINUTES: positiveInt.default(15),
  /** First of the ports the companion services listen on (about 20 from here; see README "Companion services"). */
  SERVICES_PORT: z.coerce.number().int().min(1024).max(65000).default(32100),

  // Each learner's share of Kafka. The brokers enforce these (topic policy, quotas); unset = the mode's default.
  /** Partitions one topic may have. */
  LIMIT_TOPIC_PARTITIONS: limit,
  /** Partitions all of one classroom session's topics may hold together (0 = no limit). */
  LIMIT_SESSION_PARTITIONS: limit,
  /** Largest replication factor a topic may ask for. */
  LIMIT_REPLICATION_FACTOR: limit,
  /** Longest retention.ms a topic may set (never -1, "forever"). */
  LIMIT_RETENTION_MS: limit,
  /** Largest retention.bytes a topic may set per partition (never -1, "unlimited"). */
  LIMIT_RETENTION_BYTES: limit,
  /** Largest max.message.bytes (record batch) a topic may set. */
  LIMIT_MESSAGE_BYTES: limit,
  /** Disk one classroom session's topics may use, all replicas counted, in MiB; over it, its largest topics are emptied (0 = no limit). */
  LIMIT_SESSION_DISK_MB: limit,
  /** Produce bandwidth per classroom session, bytes/s (0 = unthrottled). */
  QUOTA_PRODUCE_BYTES_PER_SEC: limit,
  /** Fetch bandwidth per classroom session, bytes/s (0 = unthrottled). */
  QUOTA_FETCH_BYTES_PER_SEC: limit,
  /** Share of broker request-handler and network thread time per classroom session, percent of one thread (0 = unthrottled). */
  QUOTA_REQUEST_PERCENTAGE: limit,
  /** Partitions per second a classroom session may create or delete (controller mutation rate; 0 = unthrottled). */
  QUOTA_CONTROLLER_MUTATIONS_PER_SEC: limit,
});

/** Each learner's share of the cluster, after the course mode's defaults are applied (see README "Limits"). */
export interface KafkaLimits {
  topicPartitions: number;
  sessionPartitions: number;
  replicationFactor: number;
  retentionMs: number;
  retentionBytes: number;
  messageBytes: number;
  sessionDiskMb: number;
  produceBytesPerSec: number;
  fetchBytesPerSec: number;
  requestPercentage: number;
  controllerMutationsPerSec: number;
}

const DAY_MS = 86_400_000;
const MIB = 1024 * 1024;

/**
 * Defaults. Classroom: sized so 60 learners share one 8-core server; a learner who works through every lesson
 * holds about 140 partitions. Single: one learner has the cluster to themselves, so only what protects the
 * machine itself applies, and no quotas.
 */
export const LIMIT_DEFAULTS: Record<"single" | "classroom", KafkaLimits> = {
  classroom: {
    topicPartitions: 12,
    sessionPartitions: 160,
    replicationFactor: 3,
    retentionMs: 7 * DAY_MS,
    retentionBytes: 256 * MIB,
    messageBytes: MIB + 12,
    sessionDiskMb: 300,
    produceBytesPerSec: 2 * MIB,
    fetchBytesPerSec: 4 * MIB,
    requestPercentage: 50,
    controllerMutationsPerSec: 20,
  },
  single: {
    topicPartitions: 64,
    sessionPartitions: 0,
    replicationFactor: 3,
    retentionMs: 30 * DAY_MS,
    retentionBytes: 4096 * MIB,
    messageBytes: 8 * MIB,
    sessionDiskMb: 0,
    produceBytesPerSec: 0,
    fetchBytesPerSec: 0,
    requestPercentage: 0,
    controllerMutationsPerSec: 0,
  },
};

const LIMIT_VARIABLES: Record<keyof KafkaLimits, keyof z.infer<typeof configSchema>> = {
  topicPartitions: "LIMIT_TOPIC_PARTITIONS",
  sessionPartitions: "LIMIT_SESSION_PARTITIONS",
  replicationFactor: "LIMIT_REPLICATION_FACTOR",
  retentionMs: "LIMIT_RETENTION_MS",
  retentionBytes: "LIMIT_RETENTION_BYTES",
  messageBytes: "LIMIT_MESSAGE_BYTES",
  sessionDiskMb: "LIMIT_SESSION_DISK_MB",
  produceBytesPerSec: "QUOTA_PRODUCE_BYTES_PER_SEC",
  fetchBytesPerSec: "QUOTA_FETCH_BYTES_PER_SEC",
  requestPercentage: "QUOTA_REQUEST_PERCENTAGE",
  controllerMutationsPerSec: "QUOTA_CONTROLLER_MUTATIONS_PER_SEC",
};

export type Config = z.infer<typeof configSchema> & { faultInjection: boolean; limits: KafkaLimits };

/** Parses the environment; throws one error naming every variable to fix. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration. Fix these environment variables:\n${lines.join("\n")}`);
  }
  const config = parsed.data;
  if (config.KAFKA_MODE === "external" && !config.KAFKA_BROKERS) {
    throw new Error("Invalid configuration: KAFKA_MODE=external needs KAFKA_BROKERS, e.g. KAFKA_BROKERS=host1:9092,host2:9092");
  }
  if (Boolean(config.KAFKA_LEARNER_BROKERS) !== Boolean(config.KAFKA_LEARNER_SECRET_FILE)) {
    throw new Error("Invalid configuration: KAFKA_LEARNER_BROKERS and KAFKA_LEARNER_SECRET_FILE go together; set both or neither.");
  }
  const faultInjection = (config.FAULT_INJECTION ?? (config.COURSE_MODE === "single" ? "on" : "off")) === "on";
  const defaults = LIMIT_DEFAULTS[config.COURSE_MODE];
  const limits = Object.fromEntries(
    Object.entries(LIMIT_VARIABLES).map(([key, variable]) => [
      key,
      (config[variable] as number | undefined) ?? defaults[key as keyof KafkaLimits],
    ]),
  ) as unknown as KafkaLimits;
  const zeroes = (["topicPartitions", "replicationFactor", "retentionMs", "retentionBytes", "messageBytes"] as const).filter(
    (k) => limits[k] === 0,
  );
  if (zeroes.length) {
    throw new Error(
      `Invalid configuration: ${zeroes.map((k) => LIMIT_VARIABLES[k]).join(", ")} cannot be 0 (a topic needs at least one partition, one replica, some retention and room for a record).`,
    );
  }
  return { ...config, faultInjection, limits };
}
