/**
 * The `docker` engine: each run is a short-lived container from the sandbox image (compose/sandbox.Dockerfile),
 * attached only to the internal lab network that holds the brokers, with a read-only root, no capabilities and
 * the run's limits. The container is removed when the run ends, however it ends.
 *
 * A run whose lesson needs companion services (ExecSpec.services) also joins each one's own internal network,
 * offset-svc-<name>, where it knows the service's containers by name (services/docker-specs.ts); a run that names
 * none joins no such network. ZooKeeper is reached through its read-only gate container there, never directly.
 */
import crypto from "node:crypto";
import { PassThrough, type Duplex } from "node:stream";
import { finished } from "node:stream/promises";
import type Docker from "dockerode";
import { apiMessage, connectDocker, engineAddress, pingDocker, unlessMissing } from "../cluster/docker-api.ts";
import { LAB_NETWORK, labBrokersFor } from "../cluster/docker-nodes.ts";
import { configSchema } from "../config/index.ts";
import { insideAddresses, serviceNetwork, type ServiceDescriptor } from "../services/docker-specs.ts";
import { servicePorts } from "../services/ports.ts";
import type { LearnerEndpoint, ServiceName, SharedFolder } from "../services/types.ts";
import { baseEnv, nodeFlags, requestLine } from "./run-request.ts";
import type { Runtime } from "./runtime.ts";
import { superviseRun, type RunExit, type RunHandle } from "./supervise.ts";
import { EngineUnavailableError, type Engine, type ExecResult, type ExecSpec } from "./types.ts";

export const SANDBOX_IMAGE = "offset-sandbox:latest";
/** Where the image keeps the runtime folder (node_modules/{kafkajs,lab} and bootstrap.mjs). */
const RUNTIME_DIR = "/opt/offset/runtime";
/** A tmpfs inside the runtime folder: snippets written here resolve `import "lab"` from ../node_modules. */
const WORK_DIR = `${RUNTIME_DIR}/work`;
/** The image's `node` user; numeric, so a changed image cannot silently turn it into root. */
const RUN_USER = "1000:1000";
const MiB = 1024 * 1024;
const DOCKER_NO_JAVA =
  "the Docker engine's run image has no Java (start the runner with RUNNER_ENGINE=sandbox to run Java share consumers)";
const DOCKER_NO_CLI =
  "the Docker engine's run image has no Java and no Kafka CLI (start the runner with RUNNER_ENGINE=sandbox to run shell snippets)";

/** Where compose/sandbox.Dockerfile puts Python's packages and lab.py. */
export const DOCKER_PYTHON = { LAB_PYTHON: "/usr/bin/python3", LAB_PYTHON_PATH: "/opt/offset/python/lab:/opt/offset/python/site" };

export interface DockerEngineOptions {
  docker?: Docker;
  image?: string;
  /** The network runs join; it must hold the brokers and have no route out. */
  network?: string;
  /** CPU share of one run, in cores. */
  cpus?: number;
  /** A host runtime folder to mount read-only over the image's copy, so `lab` changes need no image rebuild. */
  mountRuntime?: Pick<Runtime, "nodeModules" | "bootstrap">;
  /** How long to wait for a killed container to report its exit before removing it regardless. */
  killGraceMs?: number;
  /** KAFKA_PORT: tells the learner listener's host ports from the plaintext ones. */
  kafkaPort?: number | undefined;
  /** SERVICES_PORT: the companion services' host ports, which name their containers inside runs. */
  servicesPort?: number | undefined;
}

/** True when a Docker engine answers quickly; `auto` engine selection uses it. */
export async function dockerEngineAvailable(docker: Docker = connectDocker()): Promise<boolean> {
  return pingDocker(docker);
}

export class DockerEngine implements Engine {
  readonly name = "docker" as const;
  readonly isolated = true;
  private readonly docker: Docker;
  private readonly image: string;
  private readonly network: string;
  private readonly options: DockerEngineOptions;
  private readonly live = new Set<Docker.Container>();
  private inside: Record<ServiceName, ServiceDescriptor["inside"]> | undefined;

  constructor(options: DockerEngineOptions = {}) {
    this.options = options;
    this.docker = options.docker ?? connectDocker();
    this.image = options.image ?? SANDBOX_IMAGE;
    this.network = options.network ?? LAB_NETWORK;
  }

  /**
   * Runs reach the brokers by their names on the lab network, whatever address the host uses: the learner
   * listener's names when the host uses the learner listener (classroom), the plaintext ones otherwise.
   */
  brokersFor(hostBrokers: readonly string[] = []): string[] {
    return labBrokersFor(hostBrokers, this.options.kafkaPort);
  }

  /**
   * Inside a run, a service's host address is its container's name and port on the service's network: the gate
   * container for ZooKeeper, the brokers' LEARNER_LAB or INTERNAL listener, rabbitmq:5672. The network must exist,
   * that is the service must run in Docker: a service run as local processes is out of any container's reach.
   */
  async serviceAddresses(service: ServiceName, endpoints: readonly LearnerEndpoint[]): Promise<(hostAddress: string) => string> {
    this.inside ??= insideAddresses(servicePorts(this.options.servicesPort ?? configSchema.shape.SERVICES_PORT.parse(undefined)));
    const table = this.inside[service];
    for (const endpoint of endpoints) {
      const entry = table[endpoint.address];
      if (!entry) {
        throw new EngineUnavailableError(
          `Docker runs cannot reach ${endpoint.address} (${service}): it is not one of the ports the service publishes from Docker. Is SERVICES_PORT the same for the runner and its engine?`,
        );
      }
      // A gated endpoint is reachable only through a container that applies that gate.
      if (endpoint.gate && entry.gate !== endpoint.gate) {
        throw new EngineUnavailableError(`Docker runs have no ${endpoint.gate} gate in front of ${endpoint.address} (${service}).`);
      }
    }
    const network = serviceNetwork(service);
    if (!(await unlessMissing(this.docker.getNetwork(network).inspect()))) {
      throw new EngineUnavailableError(
        `The network ${network} does not exist: ${service} does not run in Docker. Docker runs reach companion services only when those run in Docker too (KAFKA_MODE=docker).`,
      );
    }
    return (hostAddress) => table[hostAddress]?.address ?? hostAddress;
  }

  /** Checks the engine, the image and the network; throws an EngineUnavailableError that says how to fix each. */
  async check(): Promise<void> {
    if (!(await pingDocker(this.docker))) {
      throw new EngineUnavailableError(
        `No Docker engine answers at ${engineAddress(this.docker)}. Start Docker, or choose another engine with RUNNER_ENGINE=sandbox.`,
      );
    }
    if (!(await unlessMissing(this.docker.getImage(this.image).inspect()))) {
      throw new EngineUnavailableError(
        `The sandbox image ${this.image} is missing. Build it from the repository root: docker build -f compose/sandbox.Dockerfile -t ${this.image} .`,
      );
    }
    if (!(await unlessMissing(this.docker.getNetwork(this.network).inspect()))) {
      throw new EngineUnavailableError(
        `The network ${this.network} does not exist. Start the cluster with KAFKA_MODE=docker or docker compose -f compose/kafka.yml up.`,
      );
    }
  }

  /** A container sees a shared folder where it is bind-mounted. */
  folderPath(folder: SharedFolder): string {
    return folder.inside;
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    const startedAt = performance.now();
    const durationMs = () => Math.round(performance.now() - startedAt);
    if (spec.signal.aborted) return { exitCode: null, reason: "cancelled", durationMs: 0 };
    // The run image has no Java: a lab that starts Java (lesson 18's share consumers) stops with this reason.
    if (spec.java) spec = { ...spec, env: { ...spec.env, LAB_JAVA_UNAVAILABLE: DOCKER_NO_JAVA } };
    if (spec.cli) spec = { ...spec, env: { ...spec.env, LAB_KAFKA_CLI_UNAVAILABLE: DOCKER_NO_CLI } };
    // The run image has Python and the course's packages (compose/sandbox.Dockerfile), at these paths.
    if (spec.python) spec = { ...spec, env: { ...spec.env, ...DOCKER_PYTHON } };
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer(this.createOptions(spec));
    } catch (error) {
      spec.onStderr(`The run could not start: ${apiMessage(error)}\n`);
      return { exitCode: null, reason: "error", durationMs: durationMs() };
    }
    this.live.add(container);
    try {
      // Before start, so the run's first connection finds the service; the lab network came with the create call.
      for (const service of new Set(spec.services ?? [])) {
        try {
          await this.docker.getNetwork(serviceNetwork(service)).connect({ Container: container.id });
        } catch (error) {
          spec.onStderr(`The run could not reach ${service}: ${apiMessage(error)}\n`);
          return { exitCode: null, reason: "error", durationMs: durationMs() };
        }
      }
      return await superviseRun(this.handle(container, spec), spec, startedAt);
    } finally {
      await container.remove({ force: true }).catch(() => {});
      this.live.delete(container);
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.live].map((container) => container.remove({ force: true }).catch(() => {})));
    this.live.clear();
  }

  /** The container a run gets. Every setting is a locked-down default; loosening one is a security decision. */
  createOptions(spec: ExecSpec): Docker.ContainerCreateOptions {
    const { limits } = spec;
    const env = { HOME: "/tmp", TMPDIR: "/tmp", ...baseEnv(), ...spec.env };
    const runtime = this.options.mountRuntime;
    return {
      name: `offset-run-${crypto.randomUUID().slice(0, 12)}`,
      Image: this.image,
      Entrypoint: ["node"],
      Cmd: [...nodeFlags(limits.memoryMb), `${RUNTIME_DIR}/bootstrap.mjs`, WORK_DIR],
      WorkingDir: WORK_DIR,
      User: RUN_USER,
      Env: Object.entries(env).map(([key, value]) => `${key}=${value}`),
      Labels: { "offset.role": "run" },
      // stdin carries the request; StdinOnce closes it in the container when we close our side.
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      OpenStdin: true,
      StdinOnce: true,
      Tty: false,
      HostConfig: {
        NetworkMode: this.network,
        ReadonlyRootfs: true,
        CapDrop: ["ALL"],
        SecurityOpt: ["no-new-privileges:true"],
        PidsLimit: limits.maxProcesses,
        Memory: limits.memoryMb * MiB,
        // Equal to Memory: no swap, so a memory-hungry snippet is killed instead of slowing the host.
        MemorySwap: limits.memoryMb * MiB,
        NanoCpus: Math.round((this.options.cpus ?? 1) * 1e9),
        Ulimits: [{ Name: "nofile", Soft: 1024, Hard: 1024 }],
        Tmpfs: { "/tmp": "rw,noexec,nosuid,nodev,size=64m", [WORK_DIR]: "rw,noexec,nosuid,nodev,size=16m,mode=1777" },
        Binds: [
          ...(runtime
            ? [`${runtime.nodeModules}:${RUNTIME_DIR}/node_modules:ro`, `${runtime.bootstrap}:${RUNTIME_DIR}/bootstrap.mjs:ro`]
            : []),
          ...(spec.folders ?? []).map((folder) => `${folder.host}:${folder.inside}:rw`),
        ],
        // The output already streams to the learner; a log file per run would only fill the host's disk.
        LogConfig: { Type: "none", Config: {} },
        AutoRemove: false,
      },
    };
  }

  /**
   * The container as a RunHandle for the one supervisor (supervise.ts), which owns every limit. Attached before
   * start, so not a byte of early output is missed; with hijack the engine hands over the raw connection, a socket
   * we can half-close to end stdin.
   */
  private handle(container: Docker.Container, spec: ExecSpec): RunHandle {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let stopped = false;
    let giveUp: () => void = () => {};
    const gaveUp = new Promise<void>((resolve) => (giveUp = resolve));
    const kill = () => {
      if (stopped) return;
      stopped = true;
      container.kill().catch(() => {});
      // Stop waiting for the engine's exit report after a grace period; the container is force-removed anyway.
      setTimeout(giveUp, this.options.killGraceMs ?? 5000).unref();
    };
    const exited = (async (): Promise<RunExit> => {
      let stream: Duplex | undefined;
      try {
        stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as Duplex;
        const attached = stream;
        const streamClosed = new Promise<void>((resolve) => {
          attached
            .once("end", resolve)
            .once("close", resolve)
            .once("error", () => resolve());
        });
        this.docker.modem.demuxStream(stream, stdout, stderr);
        if (stopped) return { code: null, signal: null };
        await container.start();
        // A stop that raced the start found nothing to kill yet.
        if (stopped) container.kill().catch(() => {});
        stream.end(requestLine(spec));
        const exit = await Promise.race([container.wait() as Promise<{ StatusCode: number }>, gaveUp.then(() => undefined)]);
        // Output can trail the exit report by a moment; the attach stream closes once it is all delivered.
        await Promise.race([streamClosed, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
        const state = (await container.inspect().catch(() => undefined))?.State;
        // The kernel's OOM killer sends SIGKILL; Docker records it, and the learner should read "killed", not "error".
        return { code: exit?.StatusCode ?? null, signal: null, oomKilled: state?.OOMKilled };
      } catch (error) {
        return { code: null, signal: null, failure: stopped ? undefined : `The run could not start: ${apiMessage(error)}` };
      } finally {
        // Also on a failed start, so the hijacked connection never outlives the run.
        stream?.destroy();
        stdout.end();
        stderr.end();
        await Promise.all([finished(stdout).catch(() => {}), finished(stderr).catch(() => {})]);
      }
    })();
    return { stdout, stderr, exited, kill };
  }
}
