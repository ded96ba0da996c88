/**
 * The `process` engine: each run is a plain Node child process with a cleared environment, a heap limit and
 * the wall clock. It does NOT isolate the snippet from the host; choose it only on a trusted single-user machine.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { labJavaClasspath } from "../cluster/local/lab-tools.ts";
import type { Runtime } from "./runtime.ts";
import { baseEnv, nodeFlags, requestLine } from "./run-request.ts";
import { supervise } from "./supervise.ts";
import type { LearnerEndpoint, ServiceName, SharedFolder } from "../services/types.ts";
import type { Engine, EngineTools, ExecResult, ExecSpec } from "./types.ts";

export class ProcessEngine implements Engine {
  readonly name = "process" as const;
  readonly isolated = false;
  private readonly runtime: Runtime;
  private readonly tools: EngineTools;

  /** The tools it readies for runs that ask (Java, the Kafka CLI, Python) run from the host's own paths. */
  constructor(runtime: Runtime, tools: EngineTools = {}) {
    this.runtime = runtime;
    this.tools = tools;
  }

  brokersFor(hostBrokers: readonly string[]): string[] {
    return [...hostBrokers];
  }

  /**
   * A run is a host process: it reaches a service at the service's own host addresses, and nothing stands between
   * them (no read-only gate in front of ZooKeeper either; this engine isolates nothing).
   */
  serviceAddresses(_service: ServiceName, _endpoints: readonly LearnerEndpoint[]): Promise<(hostAddress: string) => string> {
    return Promise.resolve((hostAddress) => hostAddress);
  }

  /** A host process sees host paths; there is nothing to mount. */
  folderPath(folder: SharedFolder): string {
    return folder.host;
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    const startedAt = performance.now();
    if (spec.java || spec.cli) spec = { ...spec, env: { ...spec.env, ...(await this.javaEnv()) } };
    if (spec.cli) spec = { ...spec, env: { ...spec.env, ...(await this.cliEnv()) } };
    if (spec.python) spec = { ...spec, env: { ...spec.env, ...(await this.pythonEnv()) } };
    const runsDir = path.join(this.runtime.root, "runs");
    fs.mkdirSync(runsDir, { recursive: true });
    // Inside the runtime folder, so `import "lab"` resolves to runtime/node_modules by walking up.
    const workdir = fs.mkdtempSync(path.join(runsDir, "run-"));
    try {
      const child = spawn(process.execPath, [...nodeFlags(spec.limits.memoryMb), this.runtime.bootstrap, workdir], {
        cwd: workdir,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: workdir, TMPDIR: workdir, ...baseEnv(), ...spec.env },
        // Own process group, so the whole tree can be killed at once.
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      const killTree = () => {
        try {
          if (child.pid) process.kill(-child.pid, "SIGKILL");
        } catch {
          // Already gone.
        }
      };
      return await supervise({ child, killTree, input: requestLine(spec) }, spec, startedAt);
    } finally {
      fs.rmSync(workdir, { recursive: true, force: true });
    }
  }

  async close(): Promise<void> {}

  private async cliEnv(): Promise<Record<string, string>> {
    try {
      if (!this.tools.kafkaCli) throw new Error("it was started without them");
      const cli = await this.tools.kafkaCli();
      return { LAB_KAFKA_BIN: cli.bin, LAB_KAFKA_CLI_LIBS: cli.libs, LAB_KAFKA_CLI_CONFIG: cli.config };
    } catch (error) {
      const reason = `this runner cannot give its runs the Kafka CLI: ${(error as Error).message}`;
      console.error(`[runner] ${reason}`);
      return { LAB_KAFKA_CLI_UNAVAILABLE: reason };
    }
  }

  private async pythonEnv(): Promise<Record<string, string>> {
    try {
      if (!this.tools.python) throw new Error("it was started without Python");
      const python = await this.tools.python();
      return { LAB_PYTHON: python.python, LAB_PYTHON_PATH: `${python.lab}:${python.site}` };
    } catch (error) {
      const reason = `this runner cannot give its runs Python: ${(error as Error).message}`;
      console.error(`[runner] ${reason}`);
      return { LAB_PYTHON_UNAVAILABLE: reason };
    }
  }

  private async javaEnv(): Promise<Record<string, string>> {
    try {
      if (!this.tools.labJava) throw new Error("it was started without Java for labs");
      const java = await this.tools.labJava();
      return { LAB_JAVA: java.java, LAB_JAVA_CLASSPATH: labJavaClasspath(java) };
    } catch (error) {
      const reason = `this runner cannot give its runs Java: ${(error as Error).message}`;
      console.error(`[runner] ${reason}`);
      return { LAB_JAVA_UNAVAILABLE: reason };
    }
  }
}
