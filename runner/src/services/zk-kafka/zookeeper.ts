/**
 * The little of ZooKeeper's client protocol the runner needs to watch a ZooKeeper-mode cluster: four-letter words
 * ("ruok") and read-only lookups (the children and data of a znode) over a short session of its own. Frames are a
 * 4-byte big-endian length and jute-encoded fields; the server answers requests in the order they were sent.
 */
import net from "node:net";
import { splitAddress } from "../../cluster/probe.ts";

/** Sends a four-letter word ("ruok", "srvr") and returns the whole answer; "" when nothing answers in time. */
export function fourLetterWord(address: string, word: string, timeoutMs = 2000): Promise<string> {
  const [host, port] = splitAddress(address);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: Number(port) });
    let answer = "";
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => {
      answer = "";
      done();
    });
    socket.once("connect", () => socket.write(word));
    socket.on("data", (chunk: Buffer) => (answer += chunk.toString("utf8")));
    socket.once("end", done);
    socket.once("error", () => {
      answer = "";
      done();
    });
  });
}

/** True when the ZooKeeper at `address` answers "ruok" with "imok". */
export async function isImok(address: string, timeoutMs = 2000): Promise<boolean> {
  return (await fourLetterWord(address, "ruok", timeoutMs)) === "imok";
}

const OP = { getData: 4, getChildren: 8, closeSession: -11 } as const;
const NO_NODE = -101;

export class ZooKeeperError extends Error {
  override readonly name = "ZooKeeperError";
  readonly code: number;
  constructor(what: string, code: number) {
    super(`ZooKeeper ${what} failed with error ${code}`);
    this.code = code;
  }
}

/** A read-only view of the znodes, valid inside `withZooKeeper`. */
export interface ZnodeReader {
  /** The children's names, sorted; undefined when the znode does not exist. */
  children(path: string): Promise<string[] | undefined>;
  /** The znode's data; undefined when it does not exist. */
  data(path: string): Promise<Buffer | undefined>;
}

/** Opens a session on the ZooKeeper at `address`, runs `work` with it and closes it. */
export async function withZooKeeper<T>(address: string, work: (zk: ZnodeReader) => Promise<T>, timeoutMs = 5000): Promise<T> {
  const session = await ZooKeeperSession.open(address, timeoutMs);
  try {
    return await work(session);
  } finally {
    await session.close();
  }
}

class ZooKeeperSession implements ZnodeReader {
  private buffer = Buffer.alloc(0);
  private readonly pending: { resolve: (frame: Buffer) => void; reject: (error: Error) => void }[] = [];
  private failure: Error | undefined;
  private xid = 1;
  private readonly socket: net.Socket;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const length = this.buffer.readInt32BE(0);
        const frame = this.buffer.subarray(4, 4 + length);
        this.buffer = this.buffer.subarray(4 + length);
        this.pending.shift()?.resolve(frame);
      }
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      for (const waiter of this.pending.splice(0)) waiter.reject(this.failure);
    };
    socket.once("error", fail);
    socket.once("close", () => fail(new Error("ZooKeeper closed the connection")));
  }

  static async open(address: string, timeoutMs: number): Promise<ZooKeeperSession> {
    const [host, port] = splitAddress(address);
    const socket = net.connect({ host, port: Number(port) });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`ZooKeeper at ${address} did not answer in time`)));
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const session = new ZooKeeperSession(socket);
    // ConnectRequest: protocol version, last zxid seen, session timeout, session id, password, read-only.
    const connect = new JuteWriter().int32(0).int64(0n).int32(timeoutMs).int64(0n).buffer(Buffer.alloc(16)).bool(false);
    const answer = await session.send(connect.bytes());
    if (answer.length < 16 || answer.readBigInt64BE(8) === 0n) {
      socket.destroy();
      throw new Error(`ZooKeeper at ${address} refused the session`);
    }
    return session;
  }

  private send(payload: Buffer): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      const size = Buffer.alloc(4);
      size.writeInt32BE(payload.length);
      this.socket.write(Buffer.concat([size, payload]));
    });
  }

  /** Sends one request; returns a reader at the reply's body, undefined for "no such znode". */
  private async request(op: number, what: string, body: (w: JuteWriter) => void): Promise<JuteReader | undefined> {
    const w = new JuteWriter().int32(this.xid++).int32(op);
    body(w);
    const reply = new JuteReader(await this.send(w.bytes()));
    reply.int32(); // xid
    reply.int64(); // zxid
    const err = reply.int32();
    if (err === NO_NODE) return undefined;
    if (err !== 0) throw new ZooKeeperError(what, err);
    return reply;
  }

  async children(path: string): Promise<string[] | undefined> {
    const r = await this.request(OP.getChildren, `listing ${path}`, (w) => w.string(path).bool(false));
    if (!r) return undefined;
    const count = r.int32();
    const names: string[] = [];
    for (let i = 0; i < count; i++) names.push(r.string());
    return names.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  }

  async data(path: string): Promise<Buffer | undefined> {
    const r = await this.request(OP.getData, `reading ${path}`, (w) => w.string(path).bool(false));
    return r ? (r.buffer() ?? Buffer.alloc(0)) : undefined;
  }

  async close(): Promise<void> {
    if (!this.failure) {
      // closeSession ends the session at once instead of leaving it to time out.
      await this.request(OP.closeSession, "closing the session", () => {}).catch(() => {});
    }
    this.socket.destroy();
  }
}

class JuteWriter {
  private readonly parts: Buffer[] = [];
  int32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return this.push(b);
  }
  int64(n: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(n);
    return this.push(b);
  }
  bool(v: boolean): this {
    return this.push(Buffer.from([v ? 1 : 0]));
  }
  buffer(b: Buffer): this {
    return this.int32(b.length).push(b);
  }
  string(s: string): this {
    return this.buffer(Buffer.from(s, "utf8"));
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class JuteReader {
  private offset = 0;
  private readonly frame: Buffer;
  constructor(frame: Buffer) {
    this.frame = frame;
  }
  int32(): number {
    return this.frame.readInt32BE((this.offset += 4) - 4);
  }
  int64(): bigint {
    return this.frame.readBigInt64BE((this.offset += 8) - 8);
  }
  buffer(): Buffer | undefined {
    const length = this.int32();
    if (length < 0) return undefined;
    const value = this.frame.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  string(): string {
    return (this.buffer() ?? Buffer.alloc(0)).toString("utf8");
  }
}
