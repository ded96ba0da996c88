/**
 * Sends one hand-built Kafka request and returns the response, for lessons that speak the protocol directly
 * (APIs kafkajs 2.2.4 lacks, such as DescribeQuorum and ElectLeaders). On the classroom listener it first logs in
 * with SASL/PLAIN, exactly as a client library would.
 */
import net from "node:net";

export interface RawRequestOptions {
  /** host:port of the broker to ask. */
  broker: string;
  /** SASL/PLAIN login, when the listener needs one. */
  login?: { username: string; password: string } | undefined;
  timeoutMs?: number;
}

/** Frames `request` (header + body, no size prefix), sends it after any login, and returns the response without its size prefix. */
export async function sendRaw(request: Buffer, options: RawRequestOptions): Promise<Buffer> {
  const [host, port] = splitHostPort(options.broker);
  const socket = net.connect({ host, port });
  socket.setTimeout(options.timeoutMs ?? 10_000, () => socket.destroy(new Error(`${options.broker} did not answer in time`)));
  const reader = new FrameReader(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    if (options.login) await login(socket, reader, options.login);
    socket.write(frame(request));
    return await reader.next();
  } finally {
    socket.destroy();
  }
}

async function login(
  socket: net.Socket,
  reader: FrameReader,
  { username, password }: { username: string; password: string },
): Promise<void> {
  // SaslHandshake v1 (key 17) names the mechanism; SaslAuthenticate v0 (key 36) carries "\0user\0password".
  const mechanism = Buffer.from("PLAIN");
  socket.write(frame(Buffer.concat([header(17, 1, 0x7ff0), int16(mechanism.length), mechanism])));
  const handshake = await reader.next();
  const handshakeError = handshake.readInt16BE(4);
  if (handshakeError !== 0) throw new Error(`SASL handshake refused (error ${handshakeError})`);
  const token = Buffer.from(`\u0000${username}\u0000${password}`);
  socket.write(frame(Buffer.concat([header(36, 0, 0x7ff1), int32(token.length), token])));
  const authenticated = await reader.next();
  const authError = authenticated.readInt16BE(4);
  if (authError !== 0) throw new Error(`SASL authentication failed (error ${authError})`);
}

/** Request header v1: api key, version, correlation id, client id. */
function header(apiKey: number, version: number, correlationId: number): Buffer {
  const clientId = Buffer.from("offset-lab");
  return Buffer.concat([int16(apiKey), int16(version), int32(correlationId), int16(clientId.length), clientId]);
}

const int16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const frame = (payload: Buffer) => Buffer.concat([int32(payload.length), payload]);

function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(":");
  return [address.slice(0, at), Number(address.slice(at + 1))];
}

/** Reads size-prefixed frames off a socket, one at a time. */
class FrameReader {
  private buffer = Buffer.alloc(0);
  private waiting: { resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.deliver();
    });
    const fail = (error: Error) => {
      this.failure = error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("the broker closed the connection")));
  }

  next(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.failure && this.buffer.length < 4) return reject(this.failure);
      this.waiting = { resolve, reject };
      this.deliver();
    });
  }

  private deliver(): void {
    if (!this.waiting || this.buffer.length < 4) return;
    const size = this.buffer.readInt32BE(0);
    if (this.buffer.length < 4 + size) return;
    const payload = this.buffer.subarray(4, 4 + size);
    this.buffer = this.buffer.subarray(4 + size);
    const { resolve } = this.waiting;
    this.waiting = undefined;
    resolve(payload);
  }
}
