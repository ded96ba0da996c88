/**
 * The `docker` backend: the three nodes of docker-nodes.ts (the cluster of compose/kafka.yml) driven through the
 * Docker API. Containers keep compose's names, so a cluster started either way is found and reused by the other.
 */
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
} from "./docker-api.ts";
import {
  composeContainerLabels,
  composeNetworkLabels,
  DOCKER_NODE_IDS,
  EDGE_NETWORK,
  KAFKA_IMAGE,
  LAB_NETWORK,
  containerName,
  labAddress,
  nodeSpec,
  specHash,
  type NodeSpec,
} from "./docker-nodes.ts";
import { DEFAULT_KAFKA_PORT, clientPort } from "./local/properties.ts";
import { canConnect, waitFor } from "./probe.ts";
import { ClusterError, type BrokerStatus, type ClusterBackend, type Progress } from "./types.ts";

const STOP_GRACE_S = 20;
const MiB = 1024 * 1024;

export interface DockerClusterOptions {
  /** Host port of broker 1 (KAFKA_PORT); brokers 2 and 3 use the next two. */
  port?: number;
  /** How this process reaches the brokers: their published loopback ports, or the lab network when it runs in a container there. */
  reach?: "host" | "lab";
  /** The engine to use; defaults to DOCKER_HOST or the platform's socket. */
  docker?: Docker;
  /** How long one node may take to become ready. */
  readyTimeoutMs?: number;
  /** How often readiness is polled. */
  pollMs?: number;
}

/** True when a Docker engine answers quickly; `auto` mode uses it to choose this backend. */
export async function dockerAvailable(docker: Docker = connectDocker()): Promise<boolean> {
  return pingDocker(docker);
}

export class DockerCluster implements ClusterBackend {
  readonly mode = "docker" as const;
  readonly canControlBrokers = true;
  readonly bootstrap: readonly string[];
  private readonly docker: Docker;
  private readonly port: number;
  private readonly options: DockerClusterOptions;

  constructor(options: DockerClusterOptions = {}) {
    this.options = options;
    this.docker = options.docker ?? connectDocker();
    this.port = options.port ?? DEFAULT_KAFKA_PORT;
    this.bootstrap = DOCKER_NODE_IDS.map((id) => this.address(id));
  }

  private address(id: number): string {
    return this.options.reach === "lab" ? labAddress(id) : `127.0.0.1:${clientPort(id, this.port)}`;
  }

  async up(progress: Progress = () => {}): Promise<void> {
    await this.guard(async () => {
      await this.requireEngine();
      await this.pull(progress);
      await this.ensureNetworks();
      const started = Date.now();
      await Promise.all(DOCKER_NODE_IDS.map((id) => this.startNode(id, progress)));
      progress(`Kafka cluster ready: ${this.bootstrap.join(",")} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    });
  }

  /** Removes the containers (their data volumes stay, like the local backend's data folder) and the networks. */
  async down(progress: Progress = () => {}): Promise<void> {
    if (!(await pingDocker(this.docker))) return;
    await this.guard(async () => {
      await Promise.all(
        DOCKER_NODE_IDS.map(async (id) => {
          const container = this.docker.getContainer(containerName(id));
          const info = await unlessMissing(container.inspect());
          if (!info) return;
          if (info.State.Running) {
            // A graceful stop first, so Kafka closes its logs cleanly and the next start skips recovery.
            progress(`Stopping broker ${id}…`);
            await this.stopContainer(container);
          }
          await unlessMissing(container.remove({ force: true }));
          progress(`Broker ${id} removed`);
        }),
      );
      // A network still in use (a sandbox run, the course container) stays; it is harmless and reused next time.
      for (const name of [LAB_NETWORK, EDGE_NETWORK])
        await this.docker
          .getNetwork(name)
          .remove()
          .catch(() => {});
    });
  }

  async status(): Promise<BrokerStatus[]> {
    return Promise.all(
      DOCKER_NODE_IDS.map(async (id) => {
        const address = this.address(id);
        const info = await unlessMissing(this.docker.getContainer(containerName(id)).inspect()).catch(() => undefined);
        return { id, address, up: info?.State.Running === true && (await canConnect(address)) };
      }),
    );
  }

  async stopBroker(id: number, progress: Progress = () => {}): Promise<void> {
    this.requireNode(id);
    await this.guard(async () => {
      const container = this.docker.getContainer(containerName(id));
      const info = await unlessMissing(container.inspect());
      if (!info?.State.Running) {
        progress(`Broker ${id} is already stopped`);
        return;
      }
      progress(`Stopping broker ${id} (container ${containerName(id)})…`);
      await this.stopContainer(container);
      progress(`Broker ${id} stopped`);
    });
  }

  async startBroker(id: number, progress: Progress = () => {}): Promise<void> {
    this.requireNode(id);
    await this.guard(async () => {
      await this.requireEngine();
      await this.pull(progress);
      await this.ensureNetworks();
      await this.startNode(id, progress);
    });
  }

  private requireNode(id: number): void {
    if (!(DOCKER_NODE_IDS as readonly number[]).includes(id)) {
      throw new ClusterError(`There is no broker ${id}: the docker cluster has brokers ${DOCKER_NODE_IDS.join(", ")}.`);
    }
  }

  private async requireEngine(): Promise<void> {
    if (!(await pingDocker(this.docker))) throw this.engineMissing();
  }

  private engineMissing(): ClusterError {
    return new ClusterError(
      `No Docker engine answers at ${engineAddress(this.docker)}. Start Docker (or set DOCKER_HOST), or use KAFKA_MODE=local to run Kafka without Docker.`,
    );
  }

  /** Turns transport failures into the same advice as a failed ping, and API refusals into ClusterErrors. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ClusterError) throw error;
      if (isConnectionError(error)) throw this.engineMissing();
      throw new ClusterError(`Docker refused a request for the Kafka cluster: ${apiMessage(error)}`);
    }
  }

  private async pull(progress: Progress): Promise<void> {
    try {
      await ensureImage(this.docker, KAFKA_IMAGE, progress);
    } catch (error) {
      if (isConnectionError(error)) throw error;
      throw new ClusterError(
        `Could not pull ${KAFKA_IMAGE}: ${apiMessage(error)}. Check the network, or pull it by hand: docker pull ${KAFKA_IMAGE}`,
      );
    }
  }

  private async ensureNetworks(): Promise<void> {
    for (const [name, internal] of [
      [LAB_NETWORK, true],
      [EDGE_NETWORK, false],
    ] as const) {
      if (await unlessMissing(this.docker.getNetwork(name).inspect())) continue;
      await this.docker
        .createNetwork({ Name: name, Driver: "bridge", Internal: internal, Labels: composeNetworkLabels(name) })
        .catch((error: unknown) => {
          // Another process (a second runner, docker compose) created it first.
          if (statusOf(error) !== 409) throw error;
        });
    }
  }

  private async stopContainer(container: Docker.Container): Promise<void> {
    await container.stop({ t: STOP_GRACE_S }).catch((error: unknown) => {
      if (statusOf(error) !== 304) throw error; // 304: it had already stopped.
    });
  }

  private async startNode(id: number, progress: Progress): Promise<void> {
    const spec = nodeSpec(id, this.port);
    const container = this.docker.getContainer(spec.name);
    let info = await unlessMissing(container.inspect());
    if (info && info.Config.Labels?.["offset.spec"] !== specHash(spec)) {
      progress(`Recreating broker ${id}: its settings changed (data is kept)`);
      await container.remove({ force: true });
      info = undefined;
    }
    if (!info) await this.create(spec);
    if (info?.State.Running) progress(`Broker ${id} is already running`);
    else {
      progress(`Starting broker ${id} (container ${spec.name})…`);
      await container.start();
    }
    await this.waitReady(spec, container, progress);
  }

  private async create(spec: NodeSpec): Promise<void> {
    const port = `${spec.hostPort}/tcp`;
    const h = spec.healthcheck;
    const seconds = (s: number) => s * 1_000_000_000;
    await this.docker.createContainer({
      name: spec.name,
      Image: KAFKA_IMAGE,
      Hostname: spec.hostname,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: { ...composeContainerLabels(spec.hostname), "offset.node": String(spec.id), "offset.spec": specHash(spec) },
      ExposedPorts: { [port]: {} },
      Healthcheck: {
        Test: h.test,
        Interval: seconds(h.intervalS),
        Timeout: seconds(h.timeoutS),
        Retries: h.retries,
        StartPeriod: seconds(h.startPeriodS),
      },
      HostConfig: {
        // Loopback only, as in compose/kafka.yml: the brokers have no authentication.
        PortBindings: { [port]: [{ HostIp: "127.0.0.1", HostPort: String(spec.hostPort) }] },
        Binds: [`${spec.volume}:/var/lib/kafka/data`],
        Memory: spec.memoryMb * MiB,
        // The edge network is primary: Docker publishes ports only from a network with a route out.
        NetworkMode: EDGE_NETWORK,
        RestartPolicy: { Name: "no" },
      },
      NetworkingConfig: { EndpointsConfig: { [EDGE_NETWORK]: { Aliases: [spec.hostname] } } },
    });
    // Connected after creation: engines before API 1.44 accept only one network in the create call.
    await this.docker.getNetwork(LAB_NETWORK).connect({ Container: spec.name, EndpointConfig: { Aliases: [spec.hostname] } });
  }

  private async waitReady(spec: NodeSpec, container: Docker.Container, progress: Progress): Promise<void> {
    const started = Date.now();
    const timeoutMs = this.options.readyTimeoutMs ?? 120_000;
    const address = this.address(spec.id);
    let failure: string | undefined;
    const ready = await waitFor(
      async () => {
        const state = (await container.inspect()).State;
        if (!state.Running) failure = `exited while starting (exit code ${state.ExitCode})`;
        else if (state.Health?.Status === "unhealthy") failure = "failed its health check";
        if (failure) return true;
        return (state.Health?.Status ?? "healthy") === "healthy" && (await canConnect(address));
      },
      timeoutMs,
      this.options.pollMs ?? 500,
    );
    if (failure) throw new ClusterError(`Broker ${spec.id} ${failure}. Its log: docker logs ${spec.name}`);
    if (!ready)
      throw new ClusterError(`Broker ${spec.id} did not become ready within ${timeoutMs / 1000} s. Its log: docker logs ${spec.name}`);
    progress(`Broker ${spec.id} ready on ${address} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
