/**
 * The host half of the sandbox's only way out: one unix socket per broker, each forwarding to that broker's TCP
 * address and nowhere else. Sandboxes have no network interface but loopback, so the socket folder (mounted
 * read-only inside) is the whole attack surface, and it can reach the brokers only.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import type { Transform } from "node:stream";

/** Makes a filter for one connection's bytes from the sandbox to its target (a protocol gate). */
export type Gate = () => Transform;

export interface BrokerAddress {
  host: string;
  port: number;
}

/** Parses "host:port" (IPv6 in brackets allowed). */
export function parseBroker(address: string): BrokerAddress {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`Not a broker address (host:port): ${address}`);
  return { host: match[1]!, port: Number(match[2]) };
}

export class BrokerBridge {
  /** Folder of the sockets, named <port>.sock. */
  readonly dir: string;
  private readonly servers = new Map<number, { target: string; server: net.Server }>();
  private readonly connections = new Set<net.Socket>();

  constructor(dir: string) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
  }

  /** Ports bridged now. */
  get ports(): number[] {
    return [...this.servers.keys()].sort((a, b) => a - b);
  }

  /**
   * Makes sure each broker has a socket. Inside, a broker is reached as 127.0.0.1:<its port>, so two brokers
   * on different hosts with the same port cannot both be bridged; the first one wins and the clash is reported.
   */
  async ensure(brokers: readonly string[], gates: ReadonlyMap<string, Gate> = new Map()): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const address of brokers) {
      const { host, port } = parseBroker(address);
      const existing = this.servers.get(port);
      if (existing) {
        if (existing.target !== `${host}:${port}`)
          throw new Error(`Brokers ${existing.target} and ${address} share port ${port}; the sandbox can bridge only one.`);
        continue;
      }
      const socketPath = path.join(this.dir, `${port}.sock`);
      fs.rmSync(socketPath, { force: true });
      const gate = gates.get(address);
      const server = net.createServer((inbound) => this.forward(inbound, host, port, gate));
      this.servers.set(port, { target: `${host}:${port}`, server });
      waits.push(
        new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(socketPath, () => {
            // Sandboxes may run as another user; the folder is theirs to read only, the socket theirs to connect.
            fs.chmodSync(socketPath, 0o666);
            resolve();
          });
        }),
      );
    }
    await Promise.all(waits);
  }

  private forward(inbound: net.Socket, host: string, port: number, gate?: Gate): void {
    const outbound = net.connect({ host, port });
    this.connections.add(inbound).add(outbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      this.connections.delete(inbound);
      this.connections.delete(outbound);
    };
    inbound.on("error", drop).on("close", drop);
    outbound.on("error", drop).on("close", drop);
    if (gate) {
      // The learner's bytes pass the gate on their way in; the answers come back unfiltered.
      const filter = gate();
      filter.on("error", drop);
      inbound.pipe(filter).pipe(outbound);
      outbound.pipe(inbound);
    } else {
      inbound.pipe(outbound).pipe(inbound);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all([...this.servers.values()].map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    this.servers.clear();
  }
}
