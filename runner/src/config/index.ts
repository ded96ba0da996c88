/**
 * Runtime configuration, read once from environment variables and validated here.
 * Every field is documented in README.md ("Configuration"); keep the two in step.
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const onOff = z.enum(["on", "off"]);
const positiveInt = z.coerce.number().int().positive();

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
  /** Where jars, broker data and logs live (outside the repository so they survive a fresh clone). */
  OFFSET_HOME: z.string().default(path.join(os.homedir(), ".cache", "offset")),
  /** How learner code runs: `sandbox` (bubblewrap), `docker`, `process` (no isolation: trusted single user only), or `auto`. */
  RUNNER_ENGINE: z.enum(["auto", "sandbox", "docker", "process"]).default("auto"),
  /** Wall-clock limit for one run, in milliseconds. */
  RUN_TIMEOUT_MS: positiveInt.default(30_000),
  /** Output limit for one run (stdout plus stderr), in bytes. */
  RUN_OUTPUT_LIMIT_BYTES: positiveInt.default(1024 * 1024),
  /** Memory limit for one run, in MiB. */
  RUN_MEMORY_MB: positiveInt.default(256),
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
});

export type Config = z.infer<typeof configSchema> & { faultInjection: boolean };

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
  const faultInjection = (config.FAULT_INJECTION ?? (config.COURSE_MODE === "single" ? "on" : "off")) === "on";
  return { ...config, faultInjection };
}
