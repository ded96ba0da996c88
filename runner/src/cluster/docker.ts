/**
 * The `docker` backend: the three nodes of docker-nodes.ts (the cluster of compose/kafka.yml) driven through the
 * Docker API. Containers keep compose's names, so a cluster started either way is found and reused by the other.
 * Like the local cluster it has the learner listener, the standard authorizer and (given limits) the topic policy;
 * the broker plugin is built in Docker and installed through a volume (see PLUGIN_IMAGE in docker-nodes.ts).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type Docker from "dockerode";
import {
  apiMessage,
  buildImage,
  connectDocker,
  engineAddress,
  ensureImage,
  isConnectionError,
  pingDocker,
  readContainerFile,
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
  PLUGIN_CONTAINER,
  PLUGIN_DOCKERFILE,
  PLUGIN_IMAGE,
  SECRET_FILE,
  containerName,
  internalAddress,
  labLearnerAddress,
  nodeSpec,
  pluginSpec,
  specHash,
  type NodeSpec,
  type VolumeMount,
} from "./docker-nodes.ts";
import { pluginSources } from "./local/plugin.ts";
import { DEFAULT_KAFKA_PORT, clientPort, learnerPort, type TopicPolicyLimits } from "./local/properties.ts";
import { canConnect, waitFor } from "./probe.ts";
import { ClusterError, type BrokerStatus, type ClusterBackend, type Progress, type StopOptions } from "./types.ts";

const STOP_GRACE_S = 20;
const MiB = 1024 * 1024;
const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
/** Label on the plugin image: the hash of what it was built from. */
const PLUGIN_LABEL = "offset.plugin";

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
  /** The course's topic policy (partitions, replication, retention, batch size); omitted, none is installed. */
  limits?: TopicPolicyLimits | undefined;
  /**
   * Classroom mode: the PLAINTEXT listeners answer on the edge network only, so run containers on the lab network
   * reach nothing but the learner listener. Off, lab containers also reach PLAINTEXT kafka-N:9092 (single mode's runs).
   */
  isolateLab?: boolean | undefined;
  /** The checkout whose compose/ and runner/kafka/plugin/ the plugin image is built from. */
  repoRoot?: string;
}

/** What the plugin image is built from, and its hash (the image's label): the Dockerfile and the plugin's sources. */
export function pluginBuildContext(repoRoot = REPO_ROOT): { src: string[]; hash: string } {
  const src = [PLUGIN_DOCKERFILE, ...pluginSources(path.join(repoRoot, "runner/kafka/plugin")).map((f) => path.relative(repoRoot, f))];
  const hash = crypto.createHash("sha256").update(KAFKA_IMAGE);
  for (const file of src)
    hash
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(repoRoot, file)))
      .update("\0");
  return { src, hash: hash.digest("hex").slice(0, 12) };
}

const binds = (mounts: VolumeMount[]): string[] => mounts.map((m) => `${m.volume}:${m.target}${m.readOnly ? ":ro" : ""}`);

/** True when a Docker engine answers quickly; `auto` mode uses it to choose this backend. */
export async function dockerAvailable(docker: Docker = connectDocker()): Promise<boolean> {
  return pingDocker(docker);
}

export class DockerCluster implements ClusterBackend {
  readonly mode = "docker" as const;
  readonly canControlBrokers = true;
  readonly bootstrap: readonly string[];
  readonly learnerAccess: NonNullable<ClusterBackend["learnerAccess"]>;
  private readonly docker: Docker;
  private readonly port: number;
  private readonly options: DockerClusterOptions;
  /** Read from the plugin volume when the plugin is installed (up, or the first startBroker). */
  private learnerSecret: string | undefined;
  /** Set when this instance rebuilt the plugin image: running brokers still hold the old jar. */
  private restartForPlugin = false;

  constructor(options: DockerClusterOptions = {}) {
    this.options = options;
    this.docker = options.docker ?? connectDocker();
    this.port = options.port ?? DEFAULT_KAFKA_PORT;
    this.bootstrap = DOCKER_NODE_IDS.map((id) => this.address(id));
    const lab = options.reach === "lab";
    this.learnerAccess = {
      bootstrap: DOCKER_NODE_IDS.map((id) => (lab ? labLearnerAddress(id) : `127.0.0.1:${learnerPort(id, this.port)}`)),
      secret: () => {
        if (this.learnerSecret === undefined)
          throw new ClusterError("The learner secret is read from the cluster's plugin volume as it starts: call up() first.");
        return this.learnerSecret;
      },
    };
  }

  private address(id: number): string {
    return this.options.reach === "lab" ? internalAddress(id, this.options.isolateLab) : `127.0.0.1:${clientPort(id, this.port)}`;
  }

  private spec(id: number): NodeSpec {
    return nodeSpec(id, { base: this.port, limits: this.options.limits, isolateLab: this.options.isolateLab });
  }

  async up(progress: Progress = () => {}): Promise<void> {
    await this.guard(async () => {
      await this.requireEngine();
      await this.prepare(progress);
      await this.ensureNetworks();
      const started = Date.now();
      await Promise.all(DOCKER_NODE_IDS.map((id) => this.startNode(id, progress)));
      this.restartForPlugin = false;
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
      // The plugin volume stays with the learner secret, as the data volumes stay.
      await unlessMissing(this.docker.getContainer(PLUGIN_CONTAINER).remove({ force: true }));
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

  async stopBroker(id: number, progress: Progress = () => {}, options: StopOptions = {}): Promise<void> {
    this.requireNode(id);
    await this.guard(async () => {
      const container = this.docker.getContainer(containerName(id));
      const info = await unlessMissing(container.inspect());
      if (!info?.State.Running) {
        progress(`Broker ${id} is already stopped`);
        return;
      }
      progress(`${options.crash ? "Killing" : "Stopping"} broker ${id} (container ${containerName(id)})…`);
      if (options.crash) await container.kill({ signal: "SIGKILL" });
      else await this.stopContainer(container);
      progress(`Broker ${id} stopped`);
    });
  }

  async startBroker(id: number, progress: Progress = () => {}): Promise<void> {
    this.requireNode(id);
    await this.guard(async () => {
      await this.requireEngine();
      if (this.learnerSecret === undefined) await this.prepare(progress);
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

  /** The image, the plugin image and the plugin volume: what every node needs before it starts (installed once per instance). */
  private async prepare(progress: Progress): Promise<void> {
    await this.pull(progress);
    const rebuilt = await this.ensurePluginImage(progress);
    if (rebuilt) this.restartForPlugin = true;
    if (rebuilt || this.learnerSecret === undefined) await this.installPlugin(progress);
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

  /** Builds the plugin image unless one built from the same sources exists; true when it built one. */
  private async ensurePluginImage(progress: Progress): Promise<boolean> {
    const repoRoot = this.options.repoRoot ?? REPO_ROOT;
    const { src, hash } = pluginBuildContext(repoRoot);
    const image = await unlessMissing(this.docker.getImage(PLUGIN_IMAGE).inspect());
    if (image?.Config?.Labels?.[PLUGIN_LABEL] === hash) return false;
    progress(`Building the course's broker plugin into ${PLUGIN_IMAGE} (first start, or runner/kafka/plugin changed)…`);
    const started = Date.now();
    try {
      await buildImage(
        this.docker,
        {
          context: repoRoot,
          src,
          dockerfile: PLUGIN_DOCKERFILE,
          tag: PLUGIN_IMAGE,
          labels: { [PLUGIN_LABEL]: hash },
          args: { KAFKA_IMAGE },
        },
        progress,
      );
    } catch (error) {
      if (isConnectionError(error)) throw error;
      throw new ClusterError(
        `Building the course's broker plugin (${PLUGIN_DOCKERFILE}) failed: ${apiMessage(error)}. ` +
          `To see the whole build: docker build -f ${PLUGIN_DOCKERFILE} -t ${PLUGIN_IMAGE} .`,
      );
    }
    progress(`Built ${PLUGIN_IMAGE} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return true;
  }

  /** Runs the one-shot install container (the jar and the secret into the plugin volume), then reads the secret back. */
  private async installPlugin(progress: Progress): Promise<void> {
    const spec = pluginSpec();
    const old = this.docker.getContainer(spec.name);
    await unlessMissing(old.remove({ force: true }));
    const container = await this.docker.createContainer({
      name: spec.name,
      Image: spec.image,
      Cmd: spec.command,
      Labels: { ...composeContainerLabels(spec.service), "offset.spec": specHash(spec) },
      HostConfig: { Binds: binds(spec.mounts), NetworkMode: "none", RestartPolicy: { Name: "no" } },
    });
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    if (StatusCode !== 0) {
      throw new ClusterError(`Installing the course's broker plugin failed (exit code ${StatusCode}). Its log: docker logs ${spec.name}`);
    }
    const secret = (await readContainerFile(container, SECRET_FILE))?.trim();
    if (!secret || !/^[0-9A-Za-z_-]+$/.test(secret)) {
      throw new ClusterError(`The plugin volume holds no usable learner secret at ${SECRET_FILE}. Its log: docker logs ${spec.name}`);
    }
    this.learnerSecret = secret;
    progress("Broker plugin and learner login secret installed");
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
    const spec = this.spec(id);
    const container = this.docker.getContainer(spec.name);
    let info = await unlessMissing(container.inspect());
    if (info && info.Config.Labels?.["offset.spec"] !== specHash(spec)) {
      progress(`Recreating broker ${id}: its settings changed (data is kept)`);
      await container.remove({ force: true });
      info = undefined;
    } else if (info?.State.Running && this.restartForPlugin) {
      // The JVM loaded the old jar; the volume now holds the new one.
      progress(`Restarting broker ${id}: the course's broker plugin changed`);
      await this.stopContainer(container);
      info = await container.inspect();
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
    const ports = spec.published.map((p) => `${p}/tcp`);
    const h = spec.healthcheck;
    const seconds = (s: number) => s * 1_000_000_000;
    await this.docker.createContainer({
      name: spec.name,
      Image: KAFKA_IMAGE,
      Hostname: spec.hostname,
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: { ...composeContainerLabels(spec.hostname), "offset.node": String(spec.id), "offset.spec": specHash(spec) },
      ExposedPorts: Object.fromEntries(ports.map((p) => [p, {}])),
      Healthcheck: {
        Test: h.test,
        Interval: seconds(h.intervalS),
        Timeout: seconds(h.timeoutS),
        Retries: h.retries,
        StartPeriod: seconds(h.startPeriodS),
      },
      HostConfig: {
        // Loopback only, as in compose/kafka.yml: the PLAINTEXT listener has no authentication.
        PortBindings: Object.fromEntries(spec.published.map((p) => [`${p}/tcp`, [{ HostIp: "127.0.0.1", HostPort: String(p) }]])),
        Binds: binds(spec.mounts),
        Memory: spec.memoryMb * MiB,
        // The edge network is primary: Docker publishes ports only from a network with a route out.
        NetworkMode: EDGE_NETWORK,
        RestartPolicy: { Name: "no" },
      },
      NetworkingConfig: { EndpointsConfig: { [EDGE_NETWORK]: { Aliases: spec.aliases[EDGE_NETWORK] } } },
    });
    // Connected after creation: engines before API 1.44 accept only one network in the create call.
    await this.docker.getNetwork(LAB_NETWORK).connect({ Container: spec.name, EndpointConfig: { Aliases: spec.aliases[LAB_NETWORK] } });
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
