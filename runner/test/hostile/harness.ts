/**
 * Test harness for hostile snippets: the real bubblewrap engine, the real run manager and queue, and the real
 * cluster (127.0.0.1:19092-19094, or the test cluster's ports, unless KAFKA_BROKERS says otherwise). There is no skip: if the sandbox or the
 * cluster is missing, these tests fail, because then nothing they claim has been shown.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { RunEvent } from "../../src/protocol/index.ts";
import { RunManager } from "../../src/runs/manager.ts";
import { RunQueue } from "../../src/runs/queue.ts";
import { SandboxEngine } from "../../src/sandbox/bwrap-engine.ts";
import { prepareRuntime } from "../../src/sandbox/runtime.ts";
import type { RunLimits } from "../../src/sandbox/types.ts";

// `npm test` runs its own cluster and says where (OFFSET_TEST_KAFKA_PORT); alone, the tests use the default one.
const kafkaPort = Number(process.env.OFFSET_TEST_KAFKA_PORT ?? 19092);
export const brokers = (process.env.KAFKA_BROKERS ?? [0, 1, 2].map((n) => `127.0.0.1:${kafkaPort + n}`).join(",")).split(",");

export interface Outcome {
  reason: string | undefined;
  exitCode: number | null | undefined;
  stdout: string;
  stderr: string;
}

export interface Harness {
  engine: SandboxEngine;
  /** Runs a snippet under the hostile limits (short wall clock). */
  run(code: string): Promise<Outcome>;
  /** The run every hostile one must leave working: produce one record and print its offset. */
  expectNormalRunWorks(): Promise<void>;
  /** Processes started by this test process that are still alive (esbuild's service excepted). */
  leftovers(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startHarness(hostile: Partial<RunLimits> = {}, options: { cgroups?: boolean } = {}): Promise<Harness> {
  await requireCluster();
  const limits: RunLimits = { timeoutMs: 3_000, outputBytes: 1024 * 1024, memoryMb: 256, maxProcesses: 64, ...hostile };
  const runtime = await prepareRuntime(path.join(os.tmpdir(), "offset-test-home"));
  const engine = SandboxEngine.create(runtime, { warmPool: 0, limits, slots: 1, ...options });
  await engine.probe();
  const managerWith = (runLimits: RunLimits) =>
    new RunManager({
      engine,
      queue: new RunQueue(1, 10),
      limits: runLimits,
      brokers: () => brokers,
      labSession: () => "",
      exerciseCheck: () => Promise.resolve(undefined),
    });
  const hostileRuns = managerWith(limits);
  const normalRuns = managerWith({ ...limits, timeoutMs: 30_000 });
  const collect = async (manager: RunManager, code: string): Promise<Outcome> => {
    const outcome: Outcome = { reason: undefined, exitCode: undefined, stdout: "", stderr: "" };
    for await (const event of manager.create({ code, lang: "ts" }, "hostile").events) record(outcome, event);
    return outcome;
  };
  return {
    engine,
    run: (code) => collect(hostileRuns, code),
    async expectNormalRunWorks() {
      const outcome = await collect(normalRuns, normalSnippet);
      expect(outcome.stdout, outcome.stderr).toMatch(/offset \d+/);
      expect(outcome.reason).toBe("ok");
    },
    async leftovers() {
      // The sandbox is SIGKILLed by the time a run ends; give the kernel a moment to reap it.
      for (let attempt = 0; ; attempt++) {
        const left = descendants(process.pid).filter((p) => !p.endsWith("esbuild"));
        if (left.length === 0 || attempt === 20) return left;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    close: () => engine.close(),
  };
}

const normalSnippet = `
  import { kafka, topic } from "lab";
  const producer = kafka.producer();
  await producer.connect();
  const [meta] = await producer.send({ topic: topic("hostile-aftercheck"), messages: [{ value: "still works" }] });
  console.log("offset " + meta.baseOffset);
  await producer.disconnect();
`;

function record(outcome: Outcome, event: RunEvent): void {
  if (event.event === "stdout") outcome.stdout += event.data.text;
  if (event.event === "stderr") outcome.stderr += event.data.text;
  if (event.event === "end") {
    outcome.reason = event.data.reason;
    outcome.exitCode = event.data.exitCode;
  }
}

async function requireCluster(): Promise<void> {
  const [host, port] = brokers[0]!.split(":");
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host: host!, port: Number(port) }, () => (socket.destroy(), resolve()));
    socket.setTimeout(3_000, () => socket.destroy(new Error("timed out")));
    socket.on("error", (error) =>
      reject(new Error(`The Kafka cluster is not reachable at ${brokers[0]} (${error.message}). Start it with \`npm run cluster -- up\`.`)),
    );
  });
}

/** "pid command" for every live process whose parent chain includes `root`. */
export function descendants(root: number): string[] {
  const parents = new Map<number, { ppid: number; comm: string }>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      if (fields[0] === "Z") continue;
      parents.set(Number(name), { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf("(") + 1, close) });
    } catch {
      // Exited while we looked.
    }
  }
  const result: string[] = [];
  for (const [pid, { comm }] of parents) {
    for (let at = parents.get(pid)?.ppid; at && at > 1; at = parents.get(at)?.ppid) {
      if (at === root) {
        result.push(`${pid} ${comm}`);
        break;
      }
    }
  }
  return result;
}
