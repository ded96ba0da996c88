/**
 * The `sandbox` engine: every run is a fresh bubblewrap sandbox, rootless and single-use.
 * - Namespaces: user, pid, ipc, uts, net, cgroup. Inside, the snippet is uid 65534 with no capabilities.
 * - Filesystem: read-only /usr, Node and the runtime; tmpfs /tmp and home; no host /etc but a hosts file.
 * - Network: loopback only. 127.0.0.1:<broker port> leads through a unix socket to that broker, and nowhere else.
 * - Java: only runs whose lesson needs it (ExecSpec.java) see a JDK's configuration, the Kafka client jars and the
 *   lab's Java tools, all read-only; /usr holds the JDK itself, but nothing else to run it with.
 * - Limits: memory, processes and one CPU core per sandbox (cgroup v1, or a delegated cgroup v2 subtree); wall
 *   clock and output cap (supervise.ts).
 *
 * How hostile snippets end (runner/test/hostile): reading host files or env, writing outside /tmp and reaching
 * other ports end "ok" with the access denied; a memory bomb ends "killed"; a loop or a sleep ends "timeout"; a
 * flood ends "output-limit"; a spawn bomb ends "error" or "timeout" at the process limit. Nothing outlives a run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { LearnerEndpoint, ServiceName, SharedFolder } from "../services/types.ts";
import { ZooKeeperReadOnlyGate } from "../services/zookeeper-gate.ts";
import { BrokerBridge, parseBroker, type Gate } from "./broker-bridge.ts";
import { CgroupParent, type Controller } from "./cgroup.ts";
import { SANDBOX_CLI_ARCHIVE, cliArchive } from "./cli-archive.ts";
import { requestLine } from "./run-request.ts";
import type { Runtime } from "./runtime.ts";
import { SandboxProcess, type ToolMounts, type Layout, type Recipe } from "./sandbox-process.ts";
import { readableByAll, shareFile, stageJava, stageKafkaCli, stagePython } from "./stage-tools.ts";
import { supervise } from "./supervise.ts";
import { EngineUnavailableError, type Engine, type EngineTools, type ExecResult, type ExecSpec, type RunLimits } from "./types.ts";
import { WarmPool } from "./warm-pool.ts";

/** Java, the Kafka CLI and Python (EngineTools) are readied on the first run that asks for each. */
export interface SandboxEngineOptions extends EngineTools {
  /** Sandboxes kept started ahead of time (RUN_WARM_POOL). */
  warmPool: number;
  /** Limits the warm sandboxes are started with; a run with other limits starts cold. */
  limits: RunLimits;
  /** The bwrap binary. */
  bwrap?: string;
  /** Sandboxes that can exist at once (concurrent runs + warm pool); sizes the process limit without cgroups. */
  slots?: number | undefined;
  /** Use cgroups (v1, or v2 with a delegated subtree) where writable (default true); false forces the fallback limits. */
  cgroups?: boolean;
}

export class SandboxEngine implements Engine {
  readonly name = "sandbox" as const;
  readonly isolated = true;
  readonly cgroups: boolean;
  /** How the resource limits are enforced here, for the start-up line. */
  readonly limitsNote: string;
  private readonly layout: Layout;
  private readonly folder: string;
  private readonly bridge: BrokerBridge;
  private readonly pool: WarmPool;
  private readonly limits: RunLimits;
  private bridgeReady: Promise<void> = Promise.resolve();
  /** One bridge per companion service, in its own socket folder, mounted only into runs that need the service. */
  private readonly serviceBridges = new Map<ServiceName, BrokerBridge>();
  private readonly running = new Set<SandboxProcess>();
  private readonly tools: EngineTools;
  private javaReady: Promise<ToolMounts> | undefined;
  private cliReady: Promise<ToolMounts> | undefined;
  private pythonReady: Promise<ToolMounts> | undefined;

  private constructor(layout: Layout, folder: string, options: SandboxEngineOptions) {
    this.layout = layout;
    this.folder = folder;
    this.limits = options.limits;
    this.tools = options;
    this.cgroups = layout.cgroups !== undefined;
    this.limitsNote = limitsNote(layout);
    this.bridge = new BrokerBridge(layout.bridge);
    this.pool = new WarmPool(options.warmPool, (recipe) => new SandboxProcess(this.layout, recipe));
  }

  /** Prepares the engine's folder and cgroups; `probe()` then proves a sandbox can actually start. */
  static create(runtime: Runtime, options: SandboxEngineOptions): SandboxEngine {
    const bwrap = options.bwrap ?? "/usr/bin/bwrap";
    if (!fs.existsSync(bwrap)) throw unavailable(`${bwrap} is missing.`);
    const dropRoot = process.getuid?.() === 0;
    // Under os.tmpdir() (short, for unix socket paths) and world-readable, since sandboxes may run as nobody.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), `offset-sandbox-${process.pid}-`));
    fs.chmodSync(folder, 0o755);
    const staged = path.join(folder, "runtime");
    fs.cpSync(runtime.root, staged, { recursive: true, dereference: true });
    const hosts = path.join(folder, "hosts");
    fs.writeFileSync(hosts, "127.0.0.1 localhost sandbox\n::1 localhost\n", { mode: 0o644 });
    const { node, nodeDir, nodeMount } = sandboxNode(fs.realpathSync(process.execPath), folder, dropRoot);
    const cgroups =
      options.cgroups === false ? undefined : CgroupParent.create(`offset-${process.pid}-${path.basename(folder).split("-").pop()}`);
    // Without a pids cgroup (none at all, or a v2 group not given the controller), RLIMIT_NPROC is the fallback
    // against fork bombs. It counts every process of a user, so it only works once sandboxes run as their own user
    // (nobody, when the runner is root), and it is shared by all of them: the budget is one run's limit times the
    // sandboxes that can exist at once.
    const userProcesses =
      !cgroups?.controllers.includes("pids") && dropRoot ? options.limits.maxProcesses * Math.max(1, options.slots ?? 4) : undefined;
    const layout: Layout = {
      bwrap,
      runtime: staged,
      hosts,
      bridge: path.join(folder, "bridge"),
      services: path.join(folder, "services"),
      node,
      nodeDir,
      nodeMount,
      dropRoot,
      cgroups,
      userProcesses,
    };
    return new SandboxEngine(layout, folder, options);
  }

  /** Inside, each broker is 127.0.0.1:<its port>: the bridge listens there and forwards to the real address. */
  brokersFor(hostBrokers: readonly string[]): string[] {
    this.bridgeReady = this.bridge.ensure(hostBrokers);
    this.bridgeReady.catch(() => {});
    const inside = hostBrokers.map((address) => `127.0.0.1:${parseBroker(address).port}`);
    this.pool.prime(this.recipe(inside.join(","), this.limits));
    return inside;
  }

  /** Inside, a service's endpoint is 127.0.0.1:<its port>, as for the brokers, through the service's own bridge. */
  async serviceAddresses(service: ServiceName, endpoints: readonly LearnerEndpoint[]): Promise<(hostAddress: string) => string> {
    let bridge = this.serviceBridges.get(service);
    if (!bridge) {
      bridge = new BrokerBridge(path.join(this.layout.services, service));
      this.serviceBridges.set(service, bridge);
    }
    const gates = new Map<string, Gate>();
    for (const endpoint of endpoints) {
      if (endpoint.gate === "zookeeper-read-only") {
        gates.set(
          endpoint.address,
          () => new ZooKeeperReadOnlyGate((reason) => console.error(`[runner] ZooKeeper gate refused ${reason}`)),
        );
      }
    }
    await bridge.ensure(
      endpoints.map((e) => e.address),
      gates,
    );
    return (hostAddress) => `127.0.0.1:${parseBroker(hostAddress).port}`;
  }

  /** A sandbox sees a shared folder where it is bound, read and write, for that run only. */
  folderPath(folder: SharedFolder): string {
    return folder.inside;
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    const startedAt = performance.now();
    await this.bridgeReady;
    let java: ToolMounts | undefined;
    if (spec.java || spec.cli) {
      try {
        java = await this.javaMounts();
      } catch (error) {
        const reason = `this runner cannot give its runs Java: ${(error as Error).message}`;
        console.error(`[runner] ${reason}`);
        spec = { ...spec, env: { ...spec.env, LAB_JAVA_UNAVAILABLE: reason } };
      }
    }
    if (spec.cli && java) {
      try {
        const cli = await this.cliMounts();
        java = { binds: [...java.binds, ...cli.binds], env: { ...java.env, ...cli.env } };
      } catch (error) {
        const reason = `this runner cannot give its runs the Kafka CLI: ${(error as Error).message}`;
        console.error(`[runner] ${reason}`);
        spec = { ...spec, env: { ...spec.env, LAB_KAFKA_CLI_UNAVAILABLE: reason } };
      }
    }
    if (spec.python) {
      try {
        const python = await this.pythonMounts();
        java = { binds: [...(java?.binds ?? []), ...python.binds], env: { ...java?.env, ...python.env } };
      } catch (error) {
        const reason = `this runner cannot give its runs Python: ${(error as Error).message}`;
        console.error(`[runner] ${reason}`);
        spec = { ...spec, env: { ...spec.env, LAB_PYTHON_UNAVAILABLE: reason } };
      }
    }
    const recipe = {
      ...this.recipe(spec.env.LAB_BROKERS ?? "", spec.limits, spec.services ?? [], java),
      ...(spec.folders?.length ? { writable: spec.folders.map((folder): [string, string] => [folder.host, folder.inside]) } : {}),
    };
    // Warm sandboxes reach the brokers only; a run that needs a service or Java starts its own with them mounted.
    const warm = recipe.services.length === 0 && !recipe.tools && !recipe.writable ? this.pool.take(recipe) : undefined;
    const sandbox = warm ?? new SandboxProcess(this.layout, recipe);
    this.running.add(sandbox);
    try {
      const result = await supervise({ child: sandbox.child, killTree: () => sandbox.kill(), input: requestLine(spec) }, spec, startedAt);
      // The memory cgroup kills with SIGKILL, which bwrap reports as exit code 137; make the reason unambiguous.
      if (sandbox.cgroup?.oomKilled() && (result.reason === "error" || result.reason === "ok")) return { ...result, reason: "killed" };
      return result;
    } finally {
      await sandbox.dispose();
      this.running.delete(sandbox);
    }
  }

  /** Runs a trivial snippet; throws EngineUnavailableError with bwrap's own complaint if that fails. */
  async probe(): Promise<void> {
    let output = "";
    const result = await this.exec({
      code: 'console.log("sandbox-ready")',
      env: { LAB_BROKERS: "127.0.0.1:9" },
      limits: { ...this.limits, timeoutMs: 20_000 },
      signal: new AbortController().signal,
      onStdout: (text) => (output += text),
      onStderr: (text) => (output += text),
      onKafkaEvent: () => {},
    });
    if (result.reason !== "ok" || !output.includes("sandbox-ready")) {
      throw unavailable(`A test run ended "${result.reason}"${output.trim() ? `: ${output.trim().slice(0, 500)}` : "."}`);
    }
  }

  /** Stages the Kafka CLI (and makes its class-data archive if the cache has none) ahead of the first `sh` run. */
  async prepareCli(): Promise<void> {
    await this.cliMounts();
  }

  /** Sandboxes waiting in the warm pool. */
  get warm(): number {
    return this.pool.ready;
  }

  async close(): Promise<void> {
    await this.pool.close();
    await Promise.all([...this.running].map((sandbox) => sandbox.dispose()));
    await this.bridge.close();
    await Promise.all([...this.serviceBridges.values()].map((bridge) => bridge.close()));
    this.layout.cgroups?.remove();
    fs.rmSync(this.folder, { recursive: true, force: true });
  }

  /** Java for the runs that need it: readied once per engine (a failure is tried again on the next such run). */
  private javaMounts(): Promise<ToolMounts> {
    if (!this.tools.labJava) return Promise.reject(new Error("it was started without Java for labs"));
    const labJava = this.tools.labJava;
    this.javaReady ??= (async () => stageJava(await labJava(), path.join(this.folder, "java"), this.layout.dropRoot))();
    this.javaReady.catch(() => (this.javaReady = undefined));
    return this.javaReady;
  }

  /** Kafka's command-line tools for `sh` runs: staged once per engine, like Java. */
  private cliMounts(): Promise<ToolMounts> {
    if (!this.tools.kafkaCli) return Promise.reject(new Error("it was started without them"));
    const kafkaCli = this.tools.kafkaCli;
    this.cliReady ??= (async () => {
      const [cli, java] = await Promise.all([kafkaCli(), this.javaMounts()]);
      const folder = path.join(this.folder, "kafka-cli");
      const mounts = stageKafkaCli(cli, folder);
      const archive = await cliArchive({
        layout: this.layout,
        cli,
        mounts: { binds: [...java.binds, ...mounts.binds], env: { ...java.env, ...mounts.env } },
        java: java.env.LAB_JAVA!,
        folder: this.folder,
        limits: { ...this.limits, memoryMb: Math.max(this.limits.memoryMb, 512) },
      });
      if (!archive) return mounts;
      const shared = path.join(folder, "kafka-cli.jsa");
      shareFile(archive, shared);
      return { binds: [...mounts.binds, [shared, SANDBOX_CLI_ARCHIVE]], env: { ...mounts.env, KAFKA_CLI_CDS: SANDBOX_CLI_ARCHIVE } };
    })();
    this.cliReady.catch(() => (this.cliReady = undefined));
    return this.cliReady;
  }

  /** Python's packages and lab.py for `py` runs: staged once per engine, like Java. */
  private pythonMounts(): Promise<ToolMounts> {
    if (!this.tools.python) return Promise.reject(new Error("it was started without Python"));
    const python = this.tools.python;
    this.pythonReady ??= (async () => stagePython(await python(), path.join(this.folder, "python"), this.layout.dropRoot))();
    this.pythonReady.catch(() => (this.pythonReady = undefined));
    return this.pythonReady;
  }

  private recipe(brokers: string, limits: RunLimits, services: readonly ServiceName[] = [], java?: ToolMounts): Recipe {
    const ports = brokers
      .split(",")
      .filter(Boolean)
      .map((address) => parseBroker(address).port)
      .filter((port) => this.bridge.ports.includes(port));
    const reachable = services.flatMap((name) => {
      const bridge = this.serviceBridges.get(name);
      return bridge ? [{ name, ports: bridge.ports }] : [];
    });
    return { brokers, ports, services: reachable, tools: java, limits: { memoryMb: limits.memoryMb, maxProcesses: limits.maxProcesses } };
  }
}

/** How the resource limits are enforced, in the words of the start-up line. */
function limitsNote(layout: Layout): string {
  const nproc = layout.userProcesses ? `processes by RLIMIT_NPROC (${layout.userProcesses} for all sandboxes)` : undefined;
  if (!layout.cgroups) return `no writable cgroups: memory limited by Node's heap size${nproc ? `, ${nproc}` : ""}`;
  const { version, controllers } = layout.cgroups;
  const missing = (controller: Controller) => !controllers.includes(controller);
  return [
    `cgroup v${version} limits (${controllers.join(", ")})`,
    missing("memory") ? "memory limited by Node's heap size" : undefined,
    missing("pids") ? nproc : undefined,
  ]
    .filter(Boolean)
    .join(", ");
}

function unavailable(detail: string): EngineUnavailableError {
  return new EngineUnavailableError(
    `RUNNER_ENGINE=sandbox cannot start a bubblewrap sandbox here. ${detail}\n` +
      "  To enable it: install bubblewrap (apt-get install bubblewrap) and allow unprivileged user namespaces " +
      "(sysctl kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0).\n" +
      "  Or use RUNNER_ENGINE=docker, or RUNNER_ENGINE=process on a trusted single-user machine (no isolation).",
  );
}

const STAGED_NODE_MOUNT = "/run/offset-node";

/**
 * The Node binary the sandboxes run, and the folder to mount for it. Sandboxes run as nobody when the runner is
 * root, and nobody cannot reach a Node installed under a private folder such as /root: then the binary is linked
 * (or copied) into the engine's own world-readable folder.
 */
export function sandboxNode(
  node: string,
  folder: string,
  dropRoot: boolean,
): { node: string; nodeDir: string | undefined; nodeMount?: string } {
  if (node.startsWith("/usr/")) return { node, nodeDir: undefined };
  if (!dropRoot || readableByAll(node)) return { node, nodeDir: path.dirname(path.dirname(node)) };
  const nodeDir = path.join(folder, "node");
  const copy = path.join(nodeDir, "bin", "node");
  fs.mkdirSync(path.dirname(copy), { recursive: true, mode: 0o755 });
  try {
    // A hard link shares the original's mode, so it only serves when the binary itself is executable by all.
    if ((fs.statSync(node).mode & 0o005) !== 0o005) throw new Error("not executable by all");
    fs.linkSync(node, copy);
  } catch {
    fs.rmSync(copy, { force: true });
    fs.copyFileSync(node, copy);
    fs.chmodSync(copy, 0o755);
  }
  // Mounted outside /tmp, which each sandbox replaces with its own empty tmpfs.
  return { node: `${STAGED_NODE_MOUNT}/bin/node`, nodeDir, nodeMount: STAGED_NODE_MOUNT };
}
