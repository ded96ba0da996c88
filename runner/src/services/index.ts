/**
 * The companion services a course offers, built for its backend (local processes beside local Kafka JVMs), and
 * the step that opens them to one run: start on demand, the engine's way in, the session's own login.
 */
import path from "node:path";
import type { ClusterBackend } from "../cluster/types.ts";
import { ensureJars } from "../cluster/local/jars.ts";
import { ensurePlugin } from "../cluster/local/plugin.ts";
import type { Config } from "../config/index.ts";
import type { PreparedServices } from "../runs/manager.ts";
import type { Engine } from "../sandbox/types.ts";
import { runnerSecret } from "../session/secret.ts";
import { ServiceManager } from "./manager.ts";
import { servicePorts } from "./ports.ts";
import { RabbitMqService } from "./rabbitmq/index.ts";
import type { Progress, Service, ServiceName } from "./types.ts";
import { ZkKafkaService } from "./zk-kafka/index.ts";

export { ServiceManager } from "./manager.ts";
export { ServiceError, SERVICE_NAMES, type Service, type ServiceName, type ServiceStatus } from "./types.ts";

/** The folder that holds each service's run folder (pid files, data, logs). */
export function servicesDir(config: Pick<Config, "OFFSET_HOME" | "SERVICES_PORT">): string {
  return path.join(config.OFFSET_HOME, `services-${config.SERVICES_PORT}`);
}

/**
 * The services for this course. They run as local processes (jars from Maven Central, Debian packages); with an
 * external Kafka cluster the ZooKeeper-mode one still runs locally, since it is a lab of its own.
 */
export function createServices(config: Config, cluster: Pick<ClusterBackend, "learnerAccess">): Service[] {
  const dir = servicesDir(config);
  const ports = servicePorts(config.SERVICES_PORT);
  const classroom = config.COURSE_MODE === "classroom";
  // Learners log in to the ZooKeeper-mode brokers with the same session login as on the course cluster.
  const secret = () => cluster.learnerAccess?.secret() ?? runnerSecret(config.OFFSET_HOME);
  return [
    new ZkKafkaService({
      home: config.OFFSET_HOME,
      runDir: path.join(dir, "zk-kafka"),
      ports,
      classroom,
      learnerSecret: secret,
      pluginJar: async () => (await ensurePlugin(await ensureJars(config.OFFSET_HOME))).jar,
      limits: config.limits,
    }),
    new RabbitMqService({ runDir: path.join(dir, "rabbitmq"), ports, classroom, secret: () => runnerSecret(config.OFFSET_HOME) }),
  ];
}

export function createServiceManager(config: Config, services: Service[], options: { owned: boolean; log?: Progress }): ServiceManager {
  return new ServiceManager({
    services,
    dir: servicesDir(config),
    budgetMb: config.SERVICES_MEMORY_MB,
    idleMs: config.SERVICES_IDLE_MINUTES * 60_000,
    owned: options.owned,
    ...(options.log ? { log: options.log } : {}),
  });
}

/**
 * The RunManager's `servicesFor`: starts what lesson `lesson` needs (progress to the run), opens the engine's way
 * in for this run only, and asks each service for the session's environment (its own login and space).
 */
export function servicesForRuns(
  manager: ServiceManager,
  engine: Engine,
  lessonServices: (lesson: string) => ServiceName[],
): (lesson: string, labSession: string, progress: Progress) => Promise<PreparedServices | undefined> {
  return async (lesson, labSession, progress) => {
    const names = lessonServices(lesson).filter((name) => manager.has(name));
    if (names.length === 0) return undefined;
    const release = await manager.acquire(names, progress);
    try {
      const env: Record<string, string> = {};
      for (const name of names) {
        const service = manager.service(name);
        const inside = await engine.serviceAddresses(name, service.endpoints());
        Object.assign(env, await service.sessionEnv(labSession, inside));
      }
      return { services: names, env, release };
    } catch (error) {
      release();
      throw error;
    }
  };
}
