/**
 * One bubblewrap sandbox: the argument list that builds its filesystem and namespaces, the process that runs
 * it, its cgroup, and its teardown. The engine decides when a sandbox is spawned (cold, or ahead of time for
 * the warm pool); this file decides what a sandbox is.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { CgroupParent, RunCgroup } from "./cgroup.ts";
import { baseEnv, nodeFlags } from "./run-request.ts";
import type { RunLimits } from "./types.ts";
import { rootLinkArgs, rootLinks } from "./usr-links.ts";

/** The uid/gid inside the sandbox and, when the runner is root, outside too ("nobody"). */
export const SANDBOX_ID = 65534;
const BRIDGE_DIR = "/run/offset-bridge";
/** Where a run that needs companion services finds their socket folders, one per service. */
const SERVICES_DIR = "/run/offset-services";
const HOME = "/home/learner";

/** Host paths the sandboxes are built from (prepared once per engine). */
export interface Layout {
  bwrap: string;
  /** Runtime folder with node_modules/{kafkajs,lab}, bootstrap.mjs and bridge.mjs, readable by SANDBOX_ID. */
  runtime: string;
  /** A generated hosts file: localhost only. */
  hosts: string;
  /** The broker bridge's socket folder. */
  bridge: string;
  /** Holds one socket folder per companion service (<services>/<name>), mounted only into runs that need it. */
  services: string;
  /** The Node binary as the sandbox sees it, and the host folder to mount so it and its siblings exist inside. */
  node: string;
  nodeDir: string | undefined;
  /** Where `nodeDir` is mounted inside (its own path unless the binary had to be staged into the engine folder). */
  nodeMount?: string | undefined;
  /** Drop from root to SANDBOX_ID before bwrap starts (setpriv), so even an escape lands as nobody. */
  dropRoot: boolean;
  cgroups: CgroupParent | undefined;
  /** Without a pids cgroup: RLIMIT_NPROC for the sandbox user, shared by all sandboxes (prlimit sets it). */
  userProcesses: number | undefined;
}

/** What a sandbox is started with before it knows which run it will serve. */
export interface Recipe {
  /** LAB_BROKERS as seen inside. lab reads it at import time, so it must be in the spawn environment. */
  brokers: string;
  /** Bridged ports (inside 127.0.0.1:<port> leads to the broker on that port). */
  ports: number[];
  /**
   * Companion services this run may reach, each with its bridged ports. Only these services' socket folders are
   * mounted, so a run whose lesson does not need a service has no way to it at all.
   */
  services: { name: string; ports: number[] }[];
  /** The tools a run asked for (Java, the Kafka CLI, Python); other sandboxes have none of these folders. */
  tools?: ToolMounts | undefined;
  /** Host folders mounted writable, as [host path, path inside]: only the engine's own preparation runs have any. */
  writable?: [string, string][] | undefined;
  limits: Pick<RunLimits, "memoryMb" | "maxProcesses">;
}

/** What a sandbox gets for the tools its run asked for (see ExecSpec.java, .cli and .python). */
export interface ToolMounts {
  /** Host folders mounted read-only, each as [host path, path inside]. */
  binds: [string, string][];
  /** Where the run finds them (LAB_JAVA, LAB_KAFKA_BIN, LAB_PYTHON, …), as the run sees them. */
  env: Record<string, string>;
}

export function recipeKey(recipe: Recipe): string {
  return JSON.stringify([
    recipe.brokers,
    recipe.ports,
    recipe.services,
    recipe.tools ?? null,
    recipe.writable ?? null,
    recipe.limits.memoryMb,
    recipe.limits.maxProcesses,
  ]);
}

export class SandboxProcess {
  readonly child: ChildProcess;
  readonly cgroup: RunCgroup | undefined;
  readonly key: string;
  private disposed: Promise<void> | undefined;

  constructor(layout: Layout, recipe: Recipe) {
    this.key = recipeKey(recipe);
    this.cgroup = layout.cgroups?.child({ ...recipe.limits, timeoutMs: 0, outputBytes: 0 });
    const [command, ...args] = commandLine(layout, recipe, this.cgroup);
    this.child = spawn(command!, args, {
      env: {},
      // Own process group: a Ctrl+C in the runner's terminal is the runner's to handle, not the snippet's.
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child.on("error", () => {});
  }

  /** Still running (a warm sandbox can die while it waits, e.g. if its import failed). */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Kills the sandbox; bwrap's --die-with-parent takes the whole namespace down, the cgroup catches stragglers. */
  kill(): void {
    try {
      if (this.child.pid) process.kill(this.child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
    this.cgroup?.killAll();
  }

  /** Kills it and removes its cgroup; resolves once no process of it remains. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      this.kill();
      if (this.alive) await new Promise((resolve) => this.child.once("exit", resolve));
      await this.cgroup?.remove();
    })();
    return this.disposed;
  }
}

export function commandLine(layout: Layout, recipe: Recipe, cgroup: RunCgroup | undefined): string[] {
  const bwrap = [layout.bwrap, ...bwrapArgs(layout, recipe)];
  const asNobody = layout.dropRoot
    ? ["/usr/bin/setpriv", `--reuid=${SANDBOX_ID}`, `--regid=${SANDBOX_ID}`, "--clear-groups", "--", ...bwrap]
    : bwrap;
  // The limit is set while still root and inherited across setpriv, bwrap and everything the snippet forks.
  const limited = layout.userProcesses ? ["/usr/bin/prlimit", `--nproc=${layout.userProcesses}`, "--core=0", "--", ...asNobody] : asNobody;
  if (!cgroup) return limited;
  // The shell joins the groups itself and then execs the rest: a process moved in after it starts would leave
  // the children it already forked outside the limits (neither cgroup v1 nor v2 moves children along).
  const join = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
  return ["/bin/sh", "-c", join, "sh", ...cgroup.procsFiles(), "--", ...limited];
}

function bwrapArgs(layout: Layout, recipe: Recipe): string[] {
  const env: Record<string, string> = {
    PATH: "/usr/bin:/bin",
    HOME,
    TMPDIR: "/tmp",
    ...baseEnv(),
    LAB_BROKERS: recipe.brokers,
    OFFSET_BRIDGE_DIR: BRIDGE_DIR,
    OFFSET_BRIDGE_PORTS: recipe.ports.join(","),
    OFFSET_SERVICE_PORTS: recipe.services.flatMap(({ name, ports }) => ports.map((port) => `${name}:${port}`)).join(","),
    ...recipe.tools?.env,
  };
  const tmpfsBytes = String(Math.max(16, Math.floor(recipe.limits.memoryMb / 4)) * 1024 * 1024);
  return [
    "--unshare-all",
    "--unshare-user",
    "--uid",
    String(SANDBOX_ID),
    "--gid",
    String(SANDBOX_ID),
    "--hostname",
    "sandbox",
    "--ro-bind",
    "/usr",
    "/usr",
    ...rootLinkArgs(rootLinks()),
    ...(layout.nodeDir ? ["--ro-bind", layout.nodeDir, layout.nodeMount ?? layout.nodeDir] : []),
    "--ro-bind",
    layout.runtime,
    "/runtime",
    // The snippet is written to /tmp; Node finds packages by walking up, so /node_modules serves it.
    "--ro-bind",
    path.join(layout.runtime, "node_modules"),
    "/node_modules",
    "--ro-bind",
    layout.bridge,
    BRIDGE_DIR,
    ...recipe.services.flatMap(({ name }) => ["--ro-bind", path.join(layout.services, name), `${SERVICES_DIR}/${name}`]),
    "--dir",
    "/etc",
    "--ro-bind",
    layout.hosts,
    "/etc/hosts",
    ...(recipe.tools?.binds.flatMap(([host, inside]) => ["--ro-bind", host, inside]) ?? []),
    ...(recipe.writable?.flatMap(([host, inside]) => ["--bind", host, inside]) ?? []),
    "--proc",
    "/proc",
    "--dev",
    "/dev",
    "--size",
    tmpfsBytes,
    "--tmpfs",
    "/tmp",
    "--size",
    tmpfsBytes,
    "--tmpfs",
    HOME,
    "--remount-ro",
    "/",
    "--chdir",
    "/tmp",
    "--die-with-parent",
    "--new-session",
    "--cap-drop",
    "ALL",
    "--clearenv",
    ...Object.entries(env).flatMap(([name, value]) => ["--setenv", name, value]),
    "--",
    layout.node,
    "--import",
    "/runtime/bridge.mjs",
    ...nodeFlags(recipe.limits.memoryMb),
    "/runtime/bootstrap.mjs",
    "/tmp",
  ];
}
