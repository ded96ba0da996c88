/** Wires config, cluster, engine, queue and routes into a running server. Used by `npm start` and the tests. */
import os from "node:os";
import path from "node:path";
import { serve, type ServerType } from "@hono/node-server";
import { createApp } from "./app.ts";
import { createCluster, type ClusterBackend, type Progress } from "./cluster/index.ts";
import { ClusterInspector } from "./cluster/inspect.ts";
import type { Config } from "./config/index.ts";
import { exerciseCheckSource, lessonNeeds, lessonNeedsJava, lessonServices } from "./runs/exercises.ts";
import type { BrokerControlEvent } from "./protocol/index.ts";
import { RunManager } from "./runs/manager.ts";
import { RunQueue } from "./runs/queue.ts";
import { kafkaCliOnce } from "./cluster/local/kafka-cli.ts";
import { pythonOnce } from "./cluster/local/python.ts";
import { createEngine } from "./sandbox/index.ts";
import type { Engine } from "./sandbox/types.ts";
import { SessionAcls } from "./session/acls.ts";
import { SessionJanitor } from "./session/cleanup.ts";
import { SESSION_TOPIC_PATTERN, Sessions } from "./session/index.ts";
import { runnerSecret } from "./session/secret.ts";
import { ShareWatcher } from "./share/watcher.ts";
import { createServiceManager, createServices, servicesForRuns, type ServiceManager } from "./services/index.ts";
import { ServiceError } from "./services/types.ts";
import { DockerZkKafka } from "./services/docker.ts";
import { ZkKafkaService } from "./services/zk-kafka/index.ts";

export const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface Running {
  url: string;
  cluster: ClusterBackend;
  engine: Engine;
  services: ServiceManager;
  /** Stops the server, the engine and (when `stopCluster`) the cluster. */
  close(options?: { stopCluster?: boolean }): Promise<void>;
}

const mib = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;

/** The start-up line that says what each learner may use (README "Limits"). */
export function limitsLine(config: Config, enforced: boolean, external = false): string {
  const l = config.limits;
  if (external) return "Limits: none from the course on an external cluster (use its own topic policies and quotas).";
  const topic = `topics: at most ${l.topicPartitions} partitions, replication factor ${l.replicationFactor}, retention ${l.retentionMs / 86_400_000} days / ${mib(l.retentionBytes)} per partition`;
  if (config.COURSE_MODE === "single") return `Limits (single learner): ${topic}; no quotas.`;
  if (!enforced) return `Limits: ${topic}. This cluster has no learner listener, so quotas and budgets are not applied.`;
  const quota = (bytes: number) => (bytes ? `${mib(bytes)}/s` : "unthrottled");
  return (
    `Limits per learner: ${topic}, ${l.sessionPartitions || "any number of"} partitions in all, ${l.sessionDiskMb ? `${l.sessionDiskMb} MiB of disk` : "no disk budget"}; ` +
    `produce ${quota(l.produceBytesPerSec)}, fetch ${quota(l.fetchBytesPerSec)}, ${l.requestPercentage ? `${l.requestPercentage}% of a broker thread` : "unthrottled request time"}, ${l.controllerMutationsPerSec || "any number of"} partition changes/s.`
  );
}

/** Workers sized from the machine: one per core, at most one per 512 MiB of free memory, at least 2. */
export function defaultConcurrency(): number {
  return Math.max(2, Math.min(os.availableParallelism() * 2, Math.floor(os.freemem() / (512 * 1024 * 1024))));
}

export async function startServer(config: Config, options: { owned: boolean; progress?: Progress; siteDir?: string }): Promise<Running> {
  const progress = options.progress ?? (() => {});
  const cluster = await createCluster(config, { owned: options.owned });
  await cluster.up(progress);
  // Classroom runs log in on the learner listener as their session; ACLs keep them to their own names.
  const learner = config.COURSE_MODE === "classroom" ? cluster.learnerAccess : undefined;
  if (config.COURSE_MODE === "classroom" && !learner) {
    progress(
      `Classroom mode on KAFKA_MODE=${cluster.mode}: learners' names are scoped per session, but the cluster does not enforce it (the local and Docker clusters have per-session logins; an external one needs KAFKA_LEARNER_BROKERS and KAFKA_LEARNER_SECRET_FILE).`,
    );
  }
  const runBrokers = learner ? learner.bootstrap : cluster.bootstrap;
  const sessions = new Sessions(config.COURSE_MODE, learner ? learner.secret() : runnerSecret(config.OFFSET_HOME));
  const { limits } = config;
  // Kafka enforces byte-rate and request quotas on each broker separately; the course's figures are a learner's
  // whole share, so each broker gets its part. Request time is a per-broker resource (each has its own threads),
  // and the controller mutation rate is the controller's own: those two are set as they are.
  const perBroker = (value: number) => (value > 0 ? Math.max(1, Math.floor(value / Math.max(1, cluster.bootstrap.length))) : 0);
  const acls = new SessionAcls(() => cluster.bootstrap, {
    producer_byte_rate: perBroker(limits.produceBytesPerSec),
    consumer_byte_rate: perBroker(limits.fetchBytesPerSec),
    request_percentage: limits.requestPercentage,
    controller_mutation_rate: limits.controllerMutationsPerSec,
  });
  const concurrency = config.RUN_CONCURRENCY || defaultConcurrency();
  // Kafka's command-line tools for `sh` snippets: fetched on the first such run (or ahead, below), then cached.
  const kafkaCli = kafkaCliOnce(config.OFFSET_HOME);
  // Python's Kafka clients for `py` snippets: installed from PyPI on the first such run (or ahead, below), then cached.
  const python = pythonOnce(config.OFFSET_HOME);
  const engine = await createEngine(config, progress, {
    brokers: runBrokers,
    slots: concurrency + config.RUN_WARM_POOL,
    kafkaCli,
    python,
  });
  const inspector = new ClusterInspector(() => cluster.bootstrap);
  // Companion services start when a lesson that needs them is opened or run, and stop when idle.
  const services = createServiceManager(config, createServices(config, cluster, acls), { owned: options.owned, log: progress });
  await services.start();
  // Fetched ahead in the background (a no-op once cached), so the first `sh` run need not wait for Maven.
  if (engine.name !== "docker") {
    void kafkaCli()
      .then(() => engine.prepareCli?.())
      .catch((error: Error) => console.error(`[runner] the Kafka CLI: ${error.message}`));
    void python().catch((error: Error) => console.error(`[runner] Python: ${error.message}`));
  }
  // Each service forgets the session whatever its state: a stopped one records it and deletes it at its next start.
  const forgetInServices = async (prefix: string) => {
    await Promise.all(
      services.services.map((service) =>
        (service.forgetSession?.(prefix) ?? Promise.resolve()).catch((error: Error) =>
          console.error(`[runner] ${service.title}: ${error.message}`),
        ),
      ),
    );
  };
  const janitor = new SessionJanitor(
    () => cluster.bootstrap,
    learner ? async (prefix) => void (await Promise.all([acls.revoke(prefix), forgetInServices(prefix)])) : undefined,
  );
  if (config.COURSE_MODE === "classroom") janitor.start(config.SESSION_IDLE_MINUTES);
  const queue = new RunQueue(concurrency, config.RUN_QUEUE_LIMIT);
  const runs = new RunManager({
    engine,
    queue,
    limits: {
      timeoutMs: config.RUN_TIMEOUT_MS,
      outputBytes: config.RUN_OUTPUT_LIMIT_BYTES,
      memoryMb: config.RUN_MEMORY_MB,
      maxProcesses: config.RUN_MAX_PROCESSES,
    },
    brokers: () => runBrokers,
    labSession: (session) => sessions.prefix(session),
    ...(learner
      ? {
          sessionEnv: async (prefix: string) => {
            await acls.ensure(prefix);
            const login = sessions.credentials(prefix);
            return { LAB_SASL_USERNAME: login.username, LAB_SASL_PASSWORD: login.password };
          },
        }
      : {}),
    exerciseCheck: exerciseCheckSource,
    touch: (session) => janitor.touch(sessions.prefix(session)),
    labEnv: { LAB_LIMITS: JSON.stringify(limits) },
    servicesFor: servicesForRuns(services, engine, (lesson) => lessonServices(lesson)),
    lessonJava: (lesson) => lessonNeedsJava(lesson),
    kafkaCli: async (say) => void (await kafkaCli(say)),
    ...(engine.name === "docker" ? {} : { python: async (say: (text: string) => void) => void (await python(say)) }),
    cliLimits: { memoryMb: config.RUN_CLI_MEMORY_MB, timeoutMs: config.RUN_CLI_TIMEOUT_MS },
    brokerControl: (event, lesson) => controlBroker(event, lesson),
  });

  /** A lab's request to stop or start a broker: the same rules as the cluster panel's buttons, plus the lesson's. */
  async function controlBroker(event: BrokerControlEvent, lesson: string | undefined): Promise<string> {
    if (!config.faultInjection) {
      throw new ServiceError("Fault injection is off on this course (FAULT_INJECTION=off), so this lab cannot stop or start brokers.");
    }
    const needs = lesson ? lessonNeeds(lesson) : { faultInjection: false, services: [], java: false };
    const how = event.action === "stop" ? (event.crash ? "killed" : "stopped") : "started";
    const started = performance.now();
    const took = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    if (event.cluster === "kraft") {
      if (!needs.faultInjection) throw new ServiceError("Only the failover lessons' labs may stop the course cluster's brokers.");
      if (!cluster.canControlBrokers) throw new ServiceError(`Brokers cannot be stopped in KAFKA_MODE=${cluster.mode}.`);
      if (event.action === "stop") await cluster.stopBroker(event.id, () => {}, { crash: event.crash === true });
      else await cluster.startBroker(event.id);
      await inspector.reset();
      return `Course cluster: broker ${event.id} ${how} (${took()})`;
    }
    const zk = services.has("zk-kafka") ? services.service("zk-kafka") : undefined;
    if (!needs.services.includes("zk-kafka") || !(zk instanceof ZkKafkaService || zk instanceof DockerZkKafka)) {
      throw new ServiceError("Only lesson 12's labs may stop the ZooKeeper-mode cluster's brokers.");
    }
    if (event.action === "stop") await zk.stopBroker(event.id, () => {}, { crash: event.crash === true });
    else await zk.startBroker(event.id);
    return `ZooKeeper-mode cluster: broker ${event.id} ${how} (${took()})`;
  }
  // Enforced by the brokers up front where Kafka can (topic policy, quotas); the rest after the fact, here.
  const sessionPattern = new RegExp(SESSION_TOPIC_PATTERN);
  const watcher = learner
    ? new ShareWatcher({
        bootstrap: () => cluster.bootstrap,
        limits,
        sessionOf: (topic) => sessionPattern.exec(topic)?.[1],
        deleteTopics: (topics) => janitor.deleteTopics(topics),
        notify: (prefix, text) => runs.notify(prefix, text),
      })
    : undefined;
  watcher?.start();
  progress(limitsLine(config, Boolean(learner), cluster.mode === "external" && !learner));
  const app = createApp({
    config,
    cluster,
    inspector,
    engine,
    runs,
    janitor,
    sessions,
    services,
    lessonServices: (lesson) => lessonServices(lesson),
    siteDir: options.siteDir ?? path.join(repoRoot, "dist"),
  });
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const host = config.HOST === "0.0.0.0" ? "localhost" : config.HOST;
  return {
    url: `http://${host}:${config.PORT}`,
    cluster,
    engine,
    services,
    async close({ stopCluster = options.owned } = {}) {
      janitor.stop();
      await watcher?.stop();
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      // Open run streams would hold close() forever; the runs are being cancelled anyway.
      (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      await closing;
      await engine.close();
      await inspector.reset();
      await services.close(progress);
      if (stopCluster) await cluster.down(progress);
    },
  };
}
