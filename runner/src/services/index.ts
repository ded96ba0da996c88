/**
 * The companion services a course offers, built for its backend (local processes beside local Kafka JVMs), and
 * the step that opens them to one run: start on demand, the engine's way in, the session's own login.
 */
import path from "node:path";
import type { ClusterBackend } from "../cluster/types.ts";
import { SessionAcls } from "../session/acls.ts";
import { ensureJars } from "../cluster/local/jars.ts";
import { ensurePlugin } from "../cluster/local/plugin.ts";
import type { Config } from "../config/index.ts";
import type { PreparedServices } from "../runs/manager.ts";
import type { Engine } from "../sandbox/types.ts";
import { Sessions } from "../session/index.ts";
import { runnerSecret } from "../session/secret.ts";
import { ServiceManager } from "./manager.ts";
import { servicePorts, type ServicePorts } from "./ports.ts";
import { DockerZkKafka, dockerRabbitMq } from "./docker.ts";
import { ManagementApi } from "./rabbitmq/admin.ts";
import { ADMIN_USER, SESSION_LIMITS, adminPassword, amqpUrl, sessionLogin } from "./rabbitmq/config.ts";
import { RabbitMqService } from "./rabbitmq/index.ts";
import { PostgresService } from "./postgres/index.ts";
import { ConnectService } from "./connect/index.ts";
import { SecurityService } from "./security/index.ts";
import { SERVICE_USE, ServiceError, type Progress, type Service, type ServiceName, type SharedFolder } from "./types.ts";
import { ZkKafkaService, zkSessionEnv } from "./zk-kafka/index.ts";

export { ServiceManager } from "./manager.ts";
export { ServiceError } from "./types.ts";
export { SERVICE_NAMES, type Service, type ServiceName, type ServiceStatus } from "./types.ts";

/** The folder that holds each service's run folder (pid files, data, logs). */
export function servicesDir(config: Pick<Config, "OFFSET_HOME" | "SERVICES_PORT">): string {
  return path.join(config.OFFSET_HOME, `services-${config.SERVICES_PORT}`);
}

/**
 * The services for this course: local processes (jars from Maven Central, Debian packages) beside a local or an
 * external cluster, containers from compose/services/*.yml beside the Docker cluster.
 */
export function createServices(
  config: Config,
  cluster: Pick<ClusterBackend, "learnerAccess" | "secureAccess" | "mode" | "bootstrap">,
  acls: SessionAcls = new SessionAcls(() => cluster.bootstrap),
): Service[] {
  const dir = servicesDir(config);
  const ports = servicePorts(config.SERVICES_PORT);
  const classroom = config.COURSE_MODE === "classroom";
  // Learners log in to the ZooKeeper-mode brokers with the same session login as on the course cluster.
  const secret = () => cluster.learnerAccess?.secret() ?? runnerSecret(config.OFFSET_HOME);
  const rabbitSecret = () => runnerSecret(config.OFFSET_HOME);
  if (cluster.mode === "docker") return dockerServices(ports, classroom, rabbitSecret);
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
    new RabbitMqService({ runDir: path.join(dir, "rabbitmq"), ports, classroom, secret: rabbitSecret }),
    new PostgresService({ runDir: path.join(dir, "postgres"), ports, classroom, secret: rabbitSecret }),
    new ConnectService({
      home: config.OFFSET_HOME,
      runDir: path.join(dir, "connect"),
      ports,
      classroom,
      bootstrap: () => [...cluster.bootstrap],
      // A classroom session's connectors log in as the session on the learner listener (its ACLs, its quotas).
      learner:
        classroom && cluster.learnerAccess
          ? {
              bootstrap: cluster.learnerAccess.bootstrap,
              login: (labSession) => new Sessions("classroom", secret()).credentials(labSession),
            }
          : undefined,
    }),
    // The TLS listener is the local cluster's own: elsewhere there is none to open.
    ...(cluster.secureAccess
      ? [
          new SecurityService({
            ports,
            classroom,
            secure: cluster.secureAccess,
            acls,
            secret: rabbitSecret,
          }),
        ]
      : []),
  ];
}

/**
 * The same two services as containers. Their ports are published on 127.0.0.1 exactly as the local ones listen,
 * so the per-session work (ACLs through the plaintext brokers, vhosts through the management API) is the same.
 */
function dockerServices(ports: ServicePorts, classroom: boolean, secret: () => string): Service[] {
  const zkBootstrap = ports.zkBrokers.map((port) => `127.0.0.1:${port}`);
  const acls = new SessionAcls(() => zkBootstrap);
  const zookeeperAddress = `127.0.0.1:${ports.zookeeper}`;
  const zk: DockerZkKafka = new DockerZkKafka({
    ports,
    classroom,
    sessionSetup: (labSession, inside) =>
      zkSessionEnv(
        {
          title: "Kafka 3.9 in ZooKeeper mode",
          bootstrap: zkBootstrap,
          learnerBootstrap: ports.zkLearner.map((port) => `127.0.0.1:${port}`),
          zookeeperAddress,
          classroom,
          acls,
        },
        labSession,
        inside,
      ),
    forgetSession: async (labSession) => (classroom && labSession ? acls.revoke(labSession) : undefined),
  });
  const api = new ManagementApi(ports.rabbitManagement, ADMIN_USER, () => adminPassword(secret()));
  // Vhosts made since the container last started (a new container has none: its data goes with it).
  let made = { pids: "", vhosts: new Set<string>() };
  const rabbit: Service = dockerRabbitMq({
    ports,
    adminPassword: () => adminPassword(secret()),
    sessionSetup: async (labSession, inside) => {
      if (classroom && !labSession)
        throw new ServiceError("RabbitMQ: a classroom run needs its session's own vhost, and this run has no session.");
      const login = sessionLogin(labSession, secret());
      const pids = rabbit.pids().join(",");
      if (pids !== made.pids) made = { pids, vhosts: new Set() };
      if (!made.vhosts.has(login.vhost)) {
        await api.ensureSession(login, classroom ? SESSION_LIMITS : {});
        made.vhosts.add(login.vhost);
      }
      return { LAB_AMQP_URL: amqpUrl(login, inside(`127.0.0.1:${ports.amqp}`)) };
    },
    forgetSession: async (labSession) => {
      if (!labSession) return;
      const login = sessionLogin(labSession, secret());
      made.vhosts.delete(login.vhost);
      await api.deleteSession(login).catch(() => {});
    },
  });
  return [zk, rabbit];
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
): (lesson: string, labSession: string, progress: Progress, code: string) => Promise<PreparedServices | undefined> {
  return async (lesson, labSession, progress, code) => {
    const names = lessonServices(lesson).filter((name) => manager.has(name) && SERVICE_USE[name].test(code));
    if (names.length === 0) return undefined;
    const release = await manager.acquire(names, progress);
    try {
      const env: Record<string, string> = {};
      const folders: SharedFolder[] = [];
      for (const name of names) {
        const service = manager.service(name);
        const inside = await engine.serviceAddresses(name, service.endpoints());
        Object.assign(env, await service.sessionEnv(labSession, inside, (folder) => engine.folderPath(folder)));
        folders.push(...(service.sessionFolders?.(labSession) ?? []));
      }
      return { services: names, env, folders, release };
    } catch (error) {
      release();
      throw error;
    }
  };
}
