/**
 * The three Kafka admin requests the runner needs and kafkajs 2.2.4 lacks: AlterClientQuotas (key 49, v0),
 * DescribeAcls (key 29, v1) and DescribeLogDirs (key 35, v1). All are non-flexible versions that Kafka 4.x still
 * serves, so a request is plain big-endian fields after a v1 request header. Each goes to one broker through
 * `sendRaw`: DescribeAcls and DescribeLogDirs answer from that broker's own state, which is the point.
 */
import { sendRaw } from "../lab/raw-request.ts";

class Writer {
  private readonly parts: Buffer[] = [];
  int8(n: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(n);
    return this.push(b);
  }
  int16(n: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(n);
    return this.push(b);
  }
  int32(n: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(n);
    return this.push(b);
  }
  float64(n: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(n);
    return this.push(b);
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  string(s: string | null): this {
    if (s === null) return this.int16(-1);
    const bytes = Buffer.from(s, "utf8");
    return this.int16(bytes.length).push(bytes);
  }
  array<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.int32(-1);
    this.int32(items.length);
    for (const item of items) each(this, item);
    return this;
  }
  private push(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export class Reader {
  private offset = 0;
  private readonly buffer: Buffer;
  constructor(buffer: Buffer) {
    this.buffer = buffer;
  }
  int8(): number {
    return this.buffer.readInt8((this.offset += 1) - 1);
  }
  int16(): number {
    return this.buffer.readInt16BE((this.offset += 2) - 2);
  }
  int32(): number {
    return this.buffer.readInt32BE((this.offset += 4) - 4);
  }
  int64(): bigint {
    return this.buffer.readBigInt64BE((this.offset += 8) - 8);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    const value = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  array<T>(each: (r: this) => T): T[] {
    const length = this.int32();
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(each(this));
    return items;
  }
}

let correlation = 1;
function request(apiKey: number, version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer()
    .int16(apiKey)
    .int16(version)
    .int32(correlation++ & 0x7fffffff)
    .string("offset-runner");
  body(w);
  return w.bytes();
}

/** Reads the response header (correlation id) and hands back a reader at the body. */
async function call(broker: string, payload: Buffer, timeoutMs = 10_000): Promise<Reader> {
  const response = new Reader(await sendRaw(payload, { broker, timeoutMs }));
  response.int32();
  return response;
}

export class KafkaWireError extends Error {
  override readonly name = "KafkaWireError";
  readonly code: number;
  constructor(what: string, code: number, message: string | null) {
    super(`${what} failed with Kafka error ${code}${message ? `: ${message}` : ""}`);
    this.code = code;
  }
}

/** Quota keys as Kafka names them (KIP-546, KIP-599). */
export type QuotaKey = "producer_byte_rate" | "consumer_byte_rate" | "request_percentage" | "controller_mutation_rate";

/**
 * Sets (value) or removes (null) client quotas of one user principal (null user = the default for every user).
 * Any broker accepts it and forwards it to the controller.
 */
export async function alterUserQuotas(
  broker: string,
  user: string | null,
  quotas: Partial<Record<QuotaKey, number | null>>,
): Promise<void> {
  const ops = Object.entries(quotas) as [QuotaKey, number | null][];
  const payload = request(49, 0, (w) =>
    w
      .array([{ user, ops }], (entryWriter, entry) => {
        entryWriter.array([entry.user], (e, name) => e.string("user").string(name));
        entryWriter.array(entry.ops, (o, [key, value]) =>
          o
            .string(key)
            .float64(value ?? 0)
            .bool(value === null),
        );
      })
      .bool(false),
  );
  const r = await call(broker, payload);
  r.int32(); // throttle time
  for (const entry of r.array((e) => ({ code: e.int16(), message: e.string(), entity: e.array((x) => [x.string(), x.string()]) }))) {
    if (entry.code !== 0) throw new KafkaWireError(`Setting the quotas of ${user ?? "every user"}`, entry.code, entry.message);
  }
}

/** How many ACL bindings `principal` has on this broker, as this broker's authorizer sees them. */
export async function countAcls(broker: string, principal: string): Promise<number> {
  const ANY = 1;
  const payload = request(29, 1, (w) => w.int8(ANY).string(null).int8(ANY).string(principal).string(null).int8(ANY).int8(ANY));
  const r = await call(broker, payload, 5_000);
  r.int32(); // throttle time
  const code = r.int16();
  const message = r.string();
  if (code !== 0) throw new KafkaWireError(`Listing the ACLs of ${principal}`, code, message);
  let count = 0;
  r.array((res) => {
    res.int8();
    res.string();
    res.int8();
    count += res.array((acl) => [acl.string(), acl.string(), acl.int8(), acl.int8()]).length;
  });
  return count;
}

export interface ReplicaSize {
  topic: string;
  partition: number;
  bytes: number;
}

/** Every replica this broker holds and its size on disk (all log dirs; future replicas of a move left out). */
export async function describeLogDirs(broker: string): Promise<ReplicaSize[]> {
  const payload = request(35, 1, (w) => w.array(null, () => {}));
  const r = await call(broker, payload);
  r.int32(); // throttle time
  const sizes: ReplicaSize[] = [];
  r.array((dir) => {
    const code = dir.int16();
    dir.string(); // log dir
    dir.array((t) => {
      const topic = t.string() ?? "";
      t.array((p) => {
        const partition = p.int32();
        const bytes = Number(p.int64());
        p.int64(); // offset lag
        const future = p.bool();
        if (code === 0 && !future) sizes.push({ topic, partition, bytes });
      });
    });
  });
  return sizes;
}
