/**
 * A companion service run as containers (KAFKA_MODE=docker): the containers of its descriptor (docker-specs.ts)
 * driven through the Docker API, as the course cluster's brokers are (cluster/docker.ts). Containers keep the names
 * of compose/services/*.yml, so a service started either way is found and reused by the other.
 *
 * What the Service contract asks of processes maps onto containers like this:
 * - start: pulls missing images, creates the networks, then creates and starts the containers stage by stage,
 *   each stage once the one before is healthy, and waits until the runner's loopback ports answer and the
 *   service's own probe passes (ZooKeeper's "imok", every broker registered).
 * - stop: stops the containers in the reverse order (cleanly, within each one's grace time) and removes them with
 *   their anonymous volumes. Named volumes (ZooKeeper's and the brokers' data) stay, as the local services keep
 *   their data folders; the networks go unless a run still uses them.
 * - pids: the engine's State.Pid of each running container, as last read (when the service is created, and by
 *   start, ready() and the broker controls): pids() must answer at once, and the engine answers only asynchronously.
 *   With a local Linux engine these are host pids of the containers' first processes, and one that has exited since
 *   drops out at once; under Docker Desktop (or a remote engine) they are pids the host cannot see, reported as read.
 *   The runner never signals them (the engine stops the containers), and the services' guardian, which stops
 *   recorded processes when the runner dies, has nothing to stop here: containers outlive the runner, as the course
 *   cluster's do, and the next runner finds them running.
 * - memoryMb: the sum of the containers' memory limits, which the engine enforces.
 * - sessionEnv and forgetSession: the per-session work (a session's login, vhost, ACLs) is the same as for the
 *   local service, against the same loopback addresses, so the caller passes it in (`sessionSetup`).
 */
import fs from "node:fs";
import type Docker from "dockerode";
import {
  apiMessage,
  connectDocker,
  engineAddress,
  ensureImage,
  isConnectionError,
  pingDocker,
  statusOf,
  unlessMissing,
} from "../cluster/docker-api.ts";
import { canConnect, waitFor } from "../cluster/probe.ts";
import {
  containerSpecHash,
  containersOf,
  rabbitMqDescriptor,
  servicesContainerLabels,
  servicesNetworkLabels,
  zkBrokerHost,
  zkKafkaDescriptor,
  type ContainerSpec,
  type ServiceDescriptor,
} from "./docker-specs.ts";
import type { ServicePorts } from "./ports.ts";
import { ManagementApi } from "./rabbitmq/admin.ts";
import { ADMIN_USER } from "./rabbitmq/config.ts";
import { ServiceError, type InsideAddress, type LearnerEndpoint, type Progress, type Service, type ServiceName } from "./types.ts";
import { ZK_BROKER_IDS, ZK_CHROOT } from "./zk-kafka/properties.ts";
import { isImok, withZooKeeper } from "./zk-kafka/zookeeper.ts";

const MiB = 1024 * 1024;
const seconds = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** Creates a session's login and space on the service and returns the environment of its runs (LAB_AMQP_URL, …). */
export type SessionSetup = (labSession: string, inside: InsideAddress) => Promise<Record<string, string>>;

export interface DockerServiceOptions {
  /** The engine to use; defaults to DOCKER_HOST or the platform's socket. */
  docker?: Docker;
  /** The per-session work, shared with the local service (see the module comment). */
  sessionSetup: SessionSetup;
  /** Removes a session's login and data (the idle-session janitor); omitted, there is nothing to remove. */
  forgetSession?: (labSession: string) => Promise<void>;
  /**
   * A check beyond the loopback ports, run once every container is up (ZooKeeper answers "imok", the brokers are
   * registered, the management API answers): true when the service is ready.
   */
  probe?: () => Promise<boolean>;
  /** How long a start may take, from the first container to the last probe. */
  readyTimeoutMs?: number;
  /** How often readiness is polled. */
  pollMs?: number;
}

export class DockerService implements Service {
  readonly name: ServiceName;
  readonly title: string;
  readonly install: string;
  readonly memoryMb: number;
  readonly ports: readonly number[];
  readonly descriptor: ServiceDescriptor;
  private readonly docker: Docker;
  private readonly options: DockerServiceOptions;
  /** State.Pid of each running container, by container name, as last inspected; `visible` when /proc shows it. */
  private readonly livePids = new Map<string, { pid: number; visible: boolean }>();
  private installed = false;

  constructor(descriptor: ServiceDescriptor, options: DockerServiceOptions) {
    this.descriptor = descriptor;
    this.options = options;
    this.docker = options.docker ?? connectDocker();
    this.name = descriptor.name;
    this.title = descriptor.title;
    this.install = descriptor.install;
    const containers = containersOf(descriptor);
    this.memoryMb = containers.reduce((sum, c) => sum + c.memoryMb, 0);
    this.ports = containers.flatMap((c) => c.published.map((p) => p.host));
    // Containers a runner before this one (or compose) started count as running from the first status on.
    void this.refreshPids().catch(() => {});
  }

  /** Checks the engine, pulls missing images (with progress) and checks the volumes other parts of the course own. */
  async ensureInstalled(progress: Progress): Promise<void> {
    await this.guard(async () => {
      await this.requireEngine();
      for (const image of new Set(containersOf(this.descriptor).map((c) => c.image))) {
        try {
          await ensureImage(this.docker, image, progress);
        } catch (error) {
          if (isConnectionError(error)) throw error;
          throw new ServiceError(
            `Could not pull ${image}: ${apiMessage(error)}. Check the network, or pull it by hand: docker pull ${image}`,
          );
        }
      }
      for (const volume of this.descriptor.externalVolumes) {
        if (!(await unlessMissing(this.docker.getVolume(volume.name).inspect()))) {
          throw new ServiceError(`${this.title} needs the Docker volume ${volume.name}, which does not exist. ${volume.advice}`);
        }
      }
      this.installed = true;
    });
  }

  async start(progress: Progress): Promise<void> {
    await this.guard(async () => {
      if (!this.installed) await this.ensureInstalled(progress);
      const started = Date.now();
      const deadline = started + (this.options.readyTimeoutMs ?? 240_000);
      await this.ensureNetworks();
      for (const stage of this.descriptor.stages) {
        await Promise.all(stage.map((spec) => this.startContainer(spec, progress, deadline)));
      }
      const ready = await waitFor(() => this.answers(), Math.max(0, deadline - Date.now()), this.options.pollMs ?? 500);
      if (!ready) {
        const logs = containersOf(this.descriptor)
          .map((c) => `docker logs ${c.name}`)
          .join(", ");
        throw new ServiceError(`${this.title} did not answer on ${this.descriptor.readyAddresses.join(", ")} in time. Its logs: ${logs}`);
      }
      progress(`${this.title} ready in Docker (${seconds(started)} s, ${this.memoryMb} MiB of containers)`);
    });
  }

  /** Stops and removes the containers (brokers before ZooKeeper), then the networks no run uses any more. */
  async stop(progress: Progress): Promise<void> {
    this.livePids.clear();
    if (!(await pingDocker(this.docker))) return;
    await this.guard(async () => {
      for (const stage of [...this.descriptor.stages].reverse()) {
        await Promise.all(stage.map((spec) => this.removeContainer(spec, progress)));
      }
      // A network still in use (a run in flight) stays; it is harmless and reused by the next start.
      for (const network of this.descriptor.networks) {
        await this.docker
          .getNetwork(network.name)
          .remove()
          .catch(() => {});
      }
    });
  }

  async ready(): Promise<boolean> {
    try {
      if (!(await this.refreshPids())) return false;
      return await this.answers();
    } catch {
      return false;
    }
  }

  /** The engine's State.Pid of each running container, as of the last start or ready() (see the module comment). */
  pids(): number[] {
    return [...this.livePids.values()].filter(({ pid, visible }) => !visible || fs.existsSync(`/proc/${pid}`)).map(({ pid }) => pid);
  }

  endpoints(): LearnerEndpoint[] {
    return this.descriptor.endpoints.map((endpoint) => ({ ...endpoint }));
  }

  sessionEnv(labSession: string, inside: InsideAddress): Promise<Record<string, string>> {
    return this.options.sessionSetup(labSession, inside);
  }

  async forgetSession(labSession: string): Promise<void> {
    await this.options.forgetSession?.(labSession);
  }

  /** True when every container runs (and is healthy, where it has a health check); records their pids. */
  private async refreshPids(): Promise<boolean> {
    let all = true;
    for (const spec of containersOf(this.descriptor)) {
      const info = await unlessMissing(this.docker.getContainer(spec.name).inspect());
      const state = info?.State;
      if (state?.Running) this.recordPid(spec.name, state.Pid);
      else this.livePids.delete(spec.name);
      if (!state?.Running || (state.Health && state.Health.Status !== "healthy")) all = false;
    }
    return all;
  }

  private recordPid(name: string, pid: number): void {
    if (pid > 0) this.livePids.set(name, { pid, visible: process.platform === "linux" && fs.existsSync(`/proc/${pid}`) });
  }

  /**
   * Stops one container and leaves it (a lesson stops a broker and watches the others take over): cleanly within
   * its grace time, or at once with SIGKILL when `crash`. The service is not ready until it runs again.
   */
  protected async stopMember(spec: ContainerSpec, progress: Progress, crash: boolean): Promise<void> {
    await this.guard(async () => {
      const container = this.docker.getContainer(spec.name);
      const info = await unlessMissing(container.inspect());
      if (!info?.State.Running) {
        progress(`${spec.title} is already stopped`);
        return;
      }
      const started = Date.now();
      progress(`${crash ? "Killing" : "Stopping"} ${spec.title} (container ${spec.name})…`);
      const done = crash ? container.kill({ signal: "SIGKILL" }) : container.stop({ t: spec.stopGraceS });
      await done.catch((error: unknown) => {
        if (statusOf(error) !== 304 && statusOf(error) !== 409) throw error; // It had stopped already.
      });
      this.livePids.delete(spec.name);
      progress(`${spec.title} ${crash ? "killed" : "stopped"} (${seconds(started)} s)`);
    });
  }

  /** Starts one container again (created anew if it is gone) and waits until the whole service answers. */
  protected async startMember(spec: ContainerSpec, progress: Progress): Promise<void> {
    await this.guard(async () => {
      await this.requireEngine();
      const deadline = Date.now() + (this.options.readyTimeoutMs ?? 240_000);
      await this.ensureNetworks();
      await this.startContainer(spec, progress, deadline);
      if (!(await waitFor(() => this.answers(), Math.max(0, deadline - Date.now()), this.options.pollMs ?? 500))) {
        throw new ServiceError(
          `${this.title}: ${spec.title} runs, but the service did not answer in time. Its log: docker logs ${spec.name}`,
        );
      }
    });
  }

  /** The runner's loopback ports accept connections and the service's own probe passes. */
  private async answers(): Promise<boolean> {
    const open = await Promise.all(this.descriptor.readyAddresses.map((address) => canConnect(address, 1000)));
    if (!open.every(Boolean)) return false;
    return this.options.probe ? await this.options.probe().catch(() => false) : true;
  }

  private async requireEngine(): Promise<void> {
    if (!(await pingDocker(this.docker))) throw this.engineMissing();
  }

  private engineMissing(): ServiceError {
    return new ServiceError(
      `${this.title} runs in Docker here, and no Docker engine answers at ${engineAddress(this.docker)}. Start Docker (or set DOCKER_HOST), or use KAFKA_MODE=local to run it as local processes.`,
    );
  }

  /** Turns transport failures into the same advice as a failed ping, and API refusals into ServiceErrors. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ServiceError) throw error;
      if (isConnectionError(error)) throw this.engineMissing();
      throw new ServiceError(`Docker refused a request for ${this.title}: ${apiMessage(error)}`);
    }
  }

  private async ensureNetworks(): Promise<void> {
    for (const { name, internal } of this.descriptor.networks) {
      if (await unlessMissing(this.docker.getNetwork(name).inspect())) continue;
      await this.docker
        .createNetwork({ Name: name, Driver: "bridge", Internal: internal, Labels: servicesNetworkLabels(name) })
        .catch((error: unknown) => {
          // Another process (a second runner, docker compose) created it first.
          if (statusOf(error) !== 409) throw error;
        });
    }
  }

  private async startContainer(spec: ContainerSpec, progress: Progress, deadline: number): Promise<void> {
    const container = this.docker.getContainer(spec.name);
    let info = await unlessMissing(container.inspect());
    if (info && info.Config.Labels?.["offset.spec"] !== containerSpecHash(spec)) {
      progress(`Recreating ${spec.title}: its settings changed${spec.mounts.some((m) => !m.readOnly) ? " (data is kept)" : ""}`);
      await container.remove({ force: true, v: true });
      info = undefined;
    }
    if (!info) await this.create(spec);
    if (info?.State.Running) progress(`${spec.title} is already running`);
    else {
      progress(`Starting ${spec.title} (container ${spec.name})…`);
      await container.start();
    }
    await this.waitRunning(spec, container, progress, deadline);
  }

  private async create(spec: ContainerSpec): Promise<void> {
    const networks = Object.entries(spec.networks);
    const [primary, primaryAliases] = networks[0]!;
    const h = spec.healthcheck;
    const ns = (s: number) => s * 1_000_000_000;
    await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Hostname: spec.service,
      ...(spec.command ? { Cmd: spec.command } : {}),
      ...(spec.user ? { User: spec.user } : {}),
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: { ...servicesContainerLabels(spec.service), "offset.service": this.name, "offset.spec": containerSpecHash(spec) },
      ExposedPorts: Object.fromEntries(spec.published.map((p) => [`${p.container}/tcp`, {}])),
      StopTimeout: spec.stopGraceS,
      ...(h
        ? {
            Healthcheck: {
              Test: h.test,
              Interval: ns(h.intervalS),
              Timeout: ns(h.timeoutS),
              Retries: h.retries,
              StartPeriod: ns(h.startPeriodS),
            },
          }
        : {}),
      HostConfig: {
        // Loopback only, as in compose/services/*.yml: these listeners are the runner's.
        PortBindings: Object.fromEntries(
          spec.published.map((p) => [`${p.container}/tcp`, [{ HostIp: "127.0.0.1", HostPort: String(p.host) }]]),
        ),
        Binds: spec.mounts.map((m) => `${m.volume}:${m.target}${m.readOnly ? ":ro" : ""}`),
        Memory: spec.memoryMb * MiB,
        MemorySwap: spec.memoryMb * MiB,
        // The first network is the edge network where the container publishes ports: Docker publishes nothing from an internal one.
        NetworkMode: primary,
        RestartPolicy: { Name: "no" },
        ...(spec.lockedDown ? { ReadonlyRootfs: true, CapDrop: ["ALL"], SecurityOpt: ["no-new-privileges:true"] } : {}),
      },
      NetworkingConfig: { EndpointsConfig: { [primary]: { Aliases: primaryAliases } } },
    });
    // Connected after creation: engines before API 1.44 accept only one network in the create call.
    for (const [network, aliases] of networks.slice(1)) {
      await this.docker.getNetwork(network).connect({ Container: spec.name, EndpointConfig: { Aliases: aliases } });
    }
  }

  /** Waits until the container runs and, where it has a health check, is healthy. */
  private async waitRunning(spec: ContainerSpec, container: Docker.Container, progress: Progress, deadline: number): Promise<void> {
    const started = Date.now();
    let failure: string | undefined;
    const ok = await waitFor(
      async () => {
        const state = (await container.inspect()).State;
        if (!state.Running) failure = `exited while starting (exit code ${state.ExitCode})`;
        else if (state.Health?.Status === "unhealthy") failure = "failed its health check";
        if (failure) return true;
        this.recordPid(spec.name, state.Pid);
        return (state.Health?.Status ?? "healthy") === "healthy";
      },
      Math.max(0, deadline - Date.now()),
      this.options.pollMs ?? 500,
    );
    if (failure) throw new ServiceError(`${this.title}: ${spec.title} ${failure}. Its log: docker logs ${spec.name}`);
    if (!ok) throw new ServiceError(`${this.title}: ${spec.title} did not become ready in time. Its log: docker logs ${spec.name}`);
    progress(`${spec.title} ready (${seconds(started)} s)`);
  }

  private async removeContainer(spec: ContainerSpec, progress: Progress): Promise<void> {
    const container = this.docker.getContainer(spec.name);
    const info = await unlessMissing(container.inspect());
    if (!info) return;
    if (info.State.Running) {
      progress(`Stopping ${spec.title} (container ${spec.name})…`);
      await container.stop({ t: spec.stopGraceS }).catch((error: unknown) => {
        if (statusOf(error) !== 304) throw error; // 304: it had already stopped.
      });
    }
    // v: the image's anonymous volumes go with it; named volumes stay.
    await unlessMissing(container.remove({ force: true, v: true }));
    progress(`${spec.title} removed`);
  }
}

export interface DockerZkKafkaOptions extends Omit<DockerServiceOptions, "probe"> {
  ports: ServicePorts;
  /** COURSE_MODE=classroom (see ZkKafkaDockerOptions). */
  classroom: boolean;
}

/**
 * Kafka 3.9 in ZooKeeper mode in Docker. Ready once ZooKeeper answers "imok" on its loopback port and all three
 * brokers are registered under the chroot, as the local service waits for. Like the local service it lets a lab stop
 * and start single brokers, and reads the cluster's state from ZooKeeper (the same loopback address).
 */
export class DockerZkKafka extends DockerService {
  readonly zookeeperAddress: string;
  readonly chroot = ZK_CHROOT;

  constructor(options: DockerZkKafkaOptions) {
    const { ports, classroom, ...rest } = options;
    const zookeeperAddress = `127.0.0.1:${ports.zookeeper}`;
    const probe = async () => {
      if (!(await isImok(zookeeperAddress, 1000))) return false;
      const ids = await registered(zookeeperAddress);
      return ZK_BROKER_IDS.every((id) => ids.includes(id));
    };
    super(zkKafkaDescriptor({ ports, classroom }), { ...rest, probe });
    this.zookeeperAddress = zookeeperAddress;
  }

  /** Stops broker `id`'s container (fault injection); `crash` kills it instead of a clean stop. */
  async stopBroker(id: number, progress: Progress = () => {}, options: { crash?: boolean } = {}): Promise<void> {
    await this.stopMember(this.broker(id), progress, options.crash === true);
  }

  /** Starts broker `id`'s container again and waits until it is registered. */
  async startBroker(id: number, progress: Progress = () => {}): Promise<void> {
    await this.startMember(this.broker(id), progress);
  }

  /** Ids of the brokers registered in ZooKeeper now, sorted. */
  registeredBrokers(): Promise<number[]> {
    return registered(this.zookeeperAddress);
  }

  /** The controller broker's id, undefined while there is none. */
  async controllerId(): Promise<number | undefined> {
    const data = await withZooKeeper(this.zookeeperAddress, (zk) => zk.data(`${ZK_CHROOT}/controller`));
    if (!data?.length) return undefined;
    const { brokerid } = JSON.parse(data.toString("utf8")) as { brokerid?: number };
    return typeof brokerid === "number" ? brokerid : undefined;
  }

  private broker(id: number): ContainerSpec {
    const spec = containersOf(this.descriptor).find((c) => c.service === zkBrokerHost(id));
    if (!spec) throw new ServiceError(`There is no broker ${id}: the ZooKeeper-mode cluster has brokers ${ZK_BROKER_IDS.join(", ")}.`);
    return spec;
  }
}

async function registered(zookeeperAddress: string): Promise<number[]> {
  const ids = await withZooKeeper(zookeeperAddress, (zk) => zk.children(`${ZK_CHROOT}/brokers/ids`));
  return (ids ?? []).map(Number).sort((a, b) => a - b);
}

export interface DockerRabbitMqOptions extends Omit<DockerServiceOptions, "probe"> {
  ports: ServicePorts;
  /** The administrator's password: the local service's adminPassword(secret), so the same management calls work. */
  adminPassword: () => string;
}

/** RabbitMQ in Docker. Ready once its management API answers the administrator login, as the local service waits for. */
export function dockerRabbitMq(options: DockerRabbitMqOptions): DockerService {
  const { ports, adminPassword, ...rest } = options;
  const api = new ManagementApi(ports.rabbitManagement, ADMIN_USER, adminPassword);
  return new DockerService(rabbitMqDescriptor({ ports, adminPassword: adminPassword() }), { ...rest, probe: () => api.overview() });
}
