/**
 * Port preflight for `npm test` and the benchmarks: before they start a course and a cluster of their own, every
 * port those will listen on must be free on 127.0.0.1, or the run would report EADDRINUSE and then test whatever
 * else answers there. A taken port is traced to its holder through /proc/net/tcp{,6} and the socket inodes in
 * /proc/<pid>/fd, so the message can say which process to stop.
 */
import fs from "node:fs";
import { allServicePorts } from "../runner/src/services/ports.ts";
import net from "node:net";
import { LOCAL_NODE_IDS, clientPort, controllerPort, learnerPort, securePort } from "../runner/src/cluster/local/properties.ts";

/** A port a run will listen on, and what for (shown in the message when it is taken). */
export interface PortUse {
  port: number;
  role: string;
}

export interface PortHolder {
  pid: number;
  /** Its command line (or `[comm]` when it has none). */
  command: string;
  /** True when the socket is listening; false when it only uses the port as the local end of a connection. */
  listening: boolean;
}

export interface TakenPort extends PortUse {
  /** Why binding failed: EADDRINUSE, EACCES… */
  code: string;
  /** Who holds it; empty when no process visible to this user owns a socket on it. */
  holders: PortHolder[];
}

/** The twelve ports of the local 3-node cluster whose broker 1 listens on `base`: client, controller, learner and TLS. */
export function kafkaPorts(base: number, env = "KAFKA_PORT"): PortUse[] {
  return LOCAL_NODE_IDS.flatMap((id) => [
    { port: clientPort(id, base), role: `Kafka broker ${id}'s client listener, ${env}${id > 1 ? ` + ${id - 1}` : ""}` },
    { port: controllerPort(id, base), role: `Kafka broker ${id}'s controller listener, ${env} + ${100 + id - 1}` },
    { port: learnerPort(id, base), role: `Kafka broker ${id}'s learner listener, ${env} + ${200 + id - 1}` },
    { port: securePort(id, base), role: `Kafka broker ${id}'s TLS listener, ${env} + ${300 + id - 1}` },
  ]);
}

/** Tries to listen on `host:port` the way the course and Kafka will; undefined when it can, else the error code. */
export function bindError(port: number, host = "127.0.0.1"): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

interface SocketRow {
  inode: string;
  listening: boolean;
  /** Whether its local address overlaps 127.0.0.1 (127.0.0.1 itself, or a wildcard). */
  overlaps: boolean;
}

// /proc/net/tcp{,6} print addresses as the kernel stores them (network order read as host-order words), so
// 127.0.0.1 is 0100007F on little-endian machines and 7F000001 on big-endian ones.
const V4_OVERLAPS = new Set(["0100007F", "7F000001", "00000000"]);
const V6_OVERLAPS = new Set(["00000000000000000000000000000000", "0000000000000000FFFF00000100007F", "00000000000000000000FFFF7F000001"]);
const TCP_LISTEN = "0A";

/** Sockets of this network namespace whose local port is `port`, from /proc/net/tcp and /proc/net/tcp6. */
function socketsOn(port: number): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const [file, overlaps] of [
    ["/proc/net/tcp", V4_OVERLAPS],
    ["/proc/net/tcp6", V6_OVERLAPS],
  ] as const) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue; // no IPv6 on this machine
    }
    for (const line of text.split("\n").slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [address, hexPort] = fields[1]!.split(":");
      const inode = fields[9]!;
      if (Number.parseInt(hexPort ?? "", 16) !== port || inode === "0") continue;
      rows.push({ inode, listening: fields[3] === TCP_LISTEN, overlaps: overlaps.has(address!.toUpperCase()) });
    }
  }
  return rows;
}

/** The command line of `pid`, or undefined when it is gone. */
export function commandLine(pid: number): string | undefined {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
    if (cmdline) return cmdline;
    return `[${fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim()}]`;
  } catch {
    return undefined;
  }
}

/** Processes with a file descriptor on any of `inodes` (fd links read `socket:[inode]`). */
function ownersOf(inodes: Set<string>): Map<string, number[]> {
  const owners = new Map<string, number[]>();
  if (inodes.size === 0) return owners;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or another user's process we may not look into
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const pids = owners.get(inode) ?? [];
      if (!pids.includes(Number(entry))) pids.push(Number(entry));
      owners.set(inode, pids);
    }
  }
  return owners;
}

/**
 * The processes holding `port` on 127.0.0.1: those listening on it (on 127.0.0.1 or a wildcard address) or, when
 * none is, those with any socket on it as their local port. Empty when none can be identified.
 */
export function portHolders(port: number): PortHolder[] {
  const sockets = socketsOn(port);
  const listeners = sockets.filter((s) => s.listening && s.overlaps);
  const relevant = listeners.length ? listeners : sockets;
  const owners = ownersOf(new Set(relevant.map((s) => s.inode)));
  const holders = new Map<number, PortHolder>();
  for (const socket of relevant) {
    for (const pid of owners.get(socket.inode) ?? []) {
      const command = commandLine(pid);
      if (command === undefined) continue;
      const known = holders.get(pid);
      holders.set(pid, { pid, command, listening: socket.listening || (known?.listening ?? false) });
    }
  }
  return [...holders.values()].sort((a, b) => a.pid - b.pid);
}

/**
 * The ports of `uses` that cannot be bound on 127.0.0.1, each with its holders. A port whose every holder is
 * `allowed` (e.g. a Kafka JVM of this very cluster, left by an interrupted run, that the start reclaims) passes.
 */
export async function takenPorts(uses: PortUse[], allowed: (holder: PortHolder) => boolean = () => false): Promise<TakenPort[]> {
  const taken: TakenPort[] = [];
  for (const use of uses) {
    const code = await bindError(use.port);
    if (code === undefined) continue;
    const holders = portHolders(use.port);
    if (holders.length > 0 && holders.every(allowed)) continue;
    taken.push({ ...use, code, holders: holders.filter((h) => !allowed(h)) });
  }
  return taken;
}

/**
 * The message for taken ports: each port, what it is for and who holds it, then what to do. `who` names the run
 * ("npm test"), `settings` the variables that move its ports ("OFFSET_TEST_PORT / OFFSET_TEST_KAFKA_PORT").
 */
export function describeTaken(taken: TakenPort[], who: string, settings: string): string {
  const lines = [
    `${who}: ${taken.length === 1 ? "a port it needs is" : "ports it needs are"} already taken on 127.0.0.1, by something ${who} did not start.`,
  ];
  for (const t of taken) {
    lines.push(`  port ${t.port} (${t.role}) is ${t.code === "EADDRINUSE" ? "in use" : `not available (${t.code})`}, held by:`);
    if (t.holders.length === 0)
      lines.push("    a process that could not be identified (not one this user can see: try `ss -ltnp` as root)");
    for (const h of t.holders) lines.push(`    pid ${h.pid}${h.listening ? "" : " (a connection from that port)"}: ${h.command}`);
  }
  const pids = [...new Set(taken.flatMap((t) => t.holders.map((h) => h.pid)))];
  const stop = pids.length ? `Stop ${pids.length === 1 ? "it" : "them"} (kill ${pids.join(" ")})` : "Stop whatever holds it";
  lines.push(`${stop}, or set ${settings} to ports that are free. ${who} stopped before starting anything on them.`);
  return lines.join("\n");
}

/** Kafka JVMs (`kafka.Kafka`) whose command line contains `marker`, e.g. a cluster folder. */
export function kafkaJvms(marker: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, "utf8");
        return cmd.includes("kafka.Kafka") && cmd.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The companion services' ports from SERVICES_PORT `base` (runner/src/services/ports.ts), for the preflight. */
export function servicePortUses(base: number, env = "SERVICES_PORT"): PortUse[] {
  return allServicePorts(base).map((port) => ({ port, role: `a companion service (${env}=${base})` }));
}

/**
 * Live processes whose command line or environment names `marker` (a services folder): what the companion
 * services left running. RabbitMQ's processes carry their folder in the environment, the JVMs on the command line.
 */
export function processesMarkedBy(marker: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        const state = /\) (\w)/.exec(fs.readFileSync(`/proc/${p}/stat`, "utf8"))?.[1];
        if (state === "Z") return false;
        const text = `${fs.readFileSync(`/proc/${p}/cmdline`, "utf8")}\0${fs.readFileSync(`/proc/${p}/environ`, "utf8")}`;
        return text.includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}
