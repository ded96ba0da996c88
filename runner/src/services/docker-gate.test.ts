import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { gateProgram, serveGate } from "./docker-gate.ts";
import { ZooKeeperReadOnlyGate } from "./zookeeper-gate.ts";

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
});

/** A stand-in ZooKeeper that records what reaches it and echoes it back. */
async function upstream(): Promise<{ port: number; received: Buffer[] }> {
  const received: Buffer[] = [];
  const server = net.createServer((socket) =>
    socket.on("data", (chunk: Buffer) => {
      received.push(chunk);
      socket.write(chunk);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanup.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, received };
}

const frame = (payload: Buffer): Buffer => {
  const length = Buffer.alloc(4);
  length.writeInt32BE(payload.length);
  return Buffer.concat([length, payload]);
};
/** A request with xid 1 and operation `op` (getData is 4, create is 1). */
const request = (op: number): Buffer => {
  const body = Buffer.alloc(12);
  body.writeInt32BE(1, 0);
  body.writeInt32BE(op, 4);
  return frame(body);
};
const CONNECT = frame(Buffer.alloc(44));

/** Connects, sends the connect request and a getData, then `op`; resolves with the bytes echoed and whether it closed. */
async function converse(port: number, op: number): Promise<{ echoed: number; closed: boolean }> {
  const socket = net.connect(port, "127.0.0.1");
  let echoed = 0;
  let closed = false;
  socket.on("data", (chunk: Buffer) => (echoed += chunk.length));
  socket.on("close", () => (closed = true));
  socket.on("error", () => {});
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(Buffer.concat([CONNECT, request(4)]));
  await until(() => echoed === CONNECT.length + 16);
  socket.write(request(op));
  await new Promise((resolve) => setTimeout(resolve, 300));
  socket.destroy();
  return { echoed, closed };
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("serveGate", () => {
  it("forwards reads to ZooKeeper and its answers back, and cuts the connection at a write", async () => {
    const zk = await upstream();
    const server = await serveGate({
      port: 0,
      targetHost: "127.0.0.1",
      targetPort: zk.port,
      gate: () => new ZooKeeperReadOnlyGate(),
      log: () => {},
    });
    cleanup.push(() => server.close());
    const { port } = server.address() as net.AddressInfo;
    const read = await converse(port, 4);
    expect(read).toEqual({ echoed: CONNECT.length + 32, closed: false });
    const write = await converse(port, 1);
    expect(write.closed).toBe(true);
    // The create request never reached ZooKeeper.
    expect(Buffer.concat(zk.received).length).toBe(2 * (CONNECT.length + 16) + 16);
  });
});

describe("gateProgram", () => {
  it("is a complete program: Node runs it as the gate container does, and it refuses writes", { timeout: 20_000 }, async () => {
    const zk = await upstream();
    const port = await freePort();
    let stderr = "";
    const child: ChildProcess = spawn(
      process.execPath,
      [
        "--max-old-space-size=24",
        "--input-type=module-typescript",
        "-e",
        gateProgram({ port, targetHost: "127.0.0.1", targetPort: zk.port }),
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    cleanup.push(() => child.kill("SIGKILL"));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await until(() => stderr.includes("listening"), 15_000);
    expect((await converse(port, 4)).closed).toBe(false);
    expect((await converse(port, 2)).closed).toBe(true);
    await until(() => stderr.includes("refused operation 2"));
  });

  it("names the gate, its target and no module beyond Node's own", () => {
    const program = gateProgram({ port: 2181, targetHost: "zookeeper-server", targetPort: 2181 });
    const imports = [...program.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.every((specifier) => specifier!.startsWith("node:"))).toBe(true);
    expect(program).toContain('targetHost: "zookeeper-server", targetPort: 2181');
    expect(program).not.toContain('"./');
  });
});
