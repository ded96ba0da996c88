/**
 * The read-only way into ZooKeeper for Docker runs. With the bubblewrap engine the runner's own bridge puts
 * ZooKeeperReadOnlyGate (zookeeper-gate.ts) in front of ZooKeeper; a Docker run has no way to the runner, so the
 * same gate runs in a small container of its own, the only thing called `zookeeper` on the service's network. It
 * forwards each connection to the real ZooKeeper, which sits on the edge network alone, out of the runs' reach.
 *
 * The container runs Node's official image with no file of ours mounted: `gateProgram()` hands it the gate's source
 * and `serveGate` below as one TypeScript module on its command line, so compose and the Docker API path start the
 * very same program, and a host path (which differs when the runner itself runs in a container) never matters.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Transform } from "node:stream";

export interface GateOptions {
  /** Port the gate listens on, on every interface of its container. */
  port: number;
  /** The real ZooKeeper. */
  targetHost: string;
  targetPort: number;
  /** A fresh gate for each learner connection. */
  gate: () => Transform;
  /** Where lines about refused and failed connections go. */
  log?: (line: string) => void;
}

/**
 * Listens on `port` and joins each connection to the real ZooKeeper through its own gate: learner bytes pass the
 * gate, ZooKeeper's answers come back untouched. When the gate refuses a frame, or either side goes away, both
 * connections close. Resolves with the server once it listens. Only Node's built-in modules are used: this function
 * also runs inside the gate container, as text (see gateProgram).
 */
export function serveGate(options: GateOptions): Promise<net.Server> {
  const log = options.log ?? ((line: string) => console.error(line));
  const server = net.createServer((learner) => {
    const upstream = net.connect({ host: options.targetHost, port: options.targetPort });
    const gate = options.gate();
    const close = () => {
      learner.destroy();
      upstream.destroy();
      gate.destroy();
    };
    gate.once("error", (error: Error) => {
      log(`[zookeeper-gate] ${learner.remoteAddress ?? "a client"}: ${error.message}`);
      close();
    });
    upstream.once("error", (error: Error) => {
      log(`[zookeeper-gate] ZooKeeper at ${options.targetHost}:${options.targetPort}: ${error.message}`);
      close();
    });
    learner.once("error", close);
    learner.once("close", close);
    upstream.once("close", close);
    learner.pipe(gate).pipe(upstream);
    upstream.pipe(learner);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, () => resolve(server));
  });
}

const GATE_SOURCE = path.join(import.meta.dirname, "zookeeper-gate.ts");
const THIS_SOURCE = path.join(import.meta.dirname, "docker-gate.ts");

/** The part of this file the container needs: serveGate and its options, nothing that reads files. */
function serveGateSource(): string {
  const text = fs.readFileSync(THIS_SOURCE, "utf8");
  const start = text.indexOf("export interface GateOptions");
  const end = text.indexOf("const GATE_SOURCE");
  if (start < 0 || end < start) throw new Error(`${THIS_SOURCE} lost the markers gateProgram cuts serveGate out by`);
  return text.slice(start, end).trimEnd();
}

/**
 * The program of the gate container, for `node --input-type=module-typescript -e`: the gate (zookeeper-gate.ts),
 * serveGate, and the call that starts them. Both files may import Node's built-in modules only: in the container
 * there is nothing else.
 */
export function gateProgram(options: { port: number; targetHost: string; targetPort: number }): string {
  const gate = fs.readFileSync(GATE_SOURCE, "utf8");
  const imports = [...gate.matchAll(/^import\s[^;]*?from\s+"([^"]+)";/gms)].map((m) => m[1]!);
  const foreign = imports.filter((specifier) => !specifier.startsWith("node:"));
  if (foreign.length) throw new Error(`${GATE_SOURCE} imports ${foreign.join(", ")}: the gate container has Node's built-in modules only`);
  return [
    "// Offset's read-only ZooKeeper gate (runner/src/services/zookeeper-gate.ts and docker-gate.ts).",
    gate.trimEnd(),
    'import net from "node:net";',
    serveGateSource(),
    `await serveGate({ port: ${options.port}, targetHost: ${JSON.stringify(options.targetHost)}, targetPort: ${options.targetPort}, gate: () => new ZooKeeperReadOnlyGate() });`,
    `console.error("[zookeeper-gate] listening on :${options.port}, forwarding reads to ${options.targetHost}:${options.targetPort}");`,
    "",
  ].join("\n");
}
