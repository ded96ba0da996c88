import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { fourLetterWord, isImok, withZooKeeper } from "./zookeeper.ts";

const servers: net.Server[] = [];
const sockets = new Set<net.Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

async function listen(onSocket: (socket: net.Socket) => void): Promise<string> {
  const server = net.createServer((socket) => {
    sockets.add(socket);
    onSocket(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const jString = (s: string) => Buffer.concat([int32(Buffer.byteLength(s)), Buffer.from(s)]);
const frame = (body: Buffer) => Buffer.concat([int32(body.length), body]);

/** A ZooKeeper stand-in with a few znodes: answers connect, getData (4), getChildren (8) and closeSession (-11). */
function fakeZooKeeper(znodes: Record<string, { data?: string; children?: string[] }>, seen: number[]): (socket: net.Socket) => void {
  return (socket) => {
    let buffer = Buffer.alloc(0);
    let connected = false;
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      while (buffer.length >= 4 && buffer.length >= 4 + buffer.readInt32BE(0)) {
        const body = buffer.subarray(4, 4 + buffer.readInt32BE(0));
        buffer = buffer.subarray(4 + body.length);
        if (!connected) {
          connected = true;
          // protocol version, timeout, session id 42, 16-byte password, read-only flag.
          const reply = Buffer.alloc(4 + 4 + 8 + 4 + 16 + 1);
          reply.writeInt32BE(body.readInt32BE(12), 4);
          reply.writeBigInt64BE(42n, 8);
          reply.writeInt32BE(16, 16);
          socket.write(frame(reply));
          continue;
        }
        const xid = body.readInt32BE(0);
        const op = body.readInt32BE(4);
        seen.push(op);
        const header = (err: number) => Buffer.concat([int32(xid), Buffer.alloc(8), int32(err)]);
        if (op === -11) {
          socket.end(frame(header(0)));
          return;
        }
        const path = body.subarray(12, 12 + body.readInt32BE(8)).toString();
        const node = znodes[path];
        if (!node) socket.write(frame(header(-101)));
        else if (op === 8) socket.write(frame(Buffer.concat([header(0), int32(node.children!.length), ...node.children!.map(jString)])));
        else socket.write(frame(Buffer.concat([header(0), jString(node.data ?? ""), Buffer.alloc(68)])));
      }
    });
  };
}

describe("the ZooKeeper reader", () => {
  it("lists children in numeric order, reads data, and closes its session", async () => {
    const seen: number[] = [];
    const address = await listen(
      fakeZooKeeper(
        { "/kafka39/brokers/ids": { children: ["3", "1", "10", "2"] }, "/kafka39/controller": { data: '{"brokerid":2}' } },
        seen,
      ),
    );
    const result = await withZooKeeper(address, async (zk) => ({
      ids: await zk.children("/kafka39/brokers/ids"),
      controller: (await zk.data("/kafka39/controller"))?.toString(),
      missing: await zk.children("/nope"),
      missingData: await zk.data("/nope"),
    }));
    expect(result).toEqual({ ids: ["1", "2", "3", "10"], controller: '{"brokerid":2}', missing: undefined, missingData: undefined });
    expect(seen).toEqual([8, 4, 8, 4, -11]);
  });

  it("fails, rather than hangs, when the server goes away", async () => {
    const address = await listen((socket) => socket.destroy());
    await expect(withZooKeeper(address, (zk) => zk.children("/"), 2000)).rejects.toThrow();
  });
});

describe("four-letter words", () => {
  it("reads the whole answer, and ruok is imok only when the server says so", async () => {
    const ok = await listen((socket) => socket.once("data", (word) => socket.end(String(word) === "ruok" ? "imok" : "?")));
    expect(await fourLetterWord(ok, "ruok")).toBe("imok");
    expect(await isImok(ok)).toBe(true);
    const other = await listen((socket) =>
      socket.once("data", () => socket.end("ruok is not executed because it is not in the whitelist.")),
    );
    expect(await isImok(other)).toBe(false);
  });

  it("is false when nothing listens or nothing answers", async () => {
    const silent = await listen(() => {});
    expect(await isImok(silent, 300)).toBe(false);
    const closed = await listen(() => {});
    await new Promise((r) => servers.pop()!.close(r));
    expect(await isImok(closed)).toBe(false);
  });
});
