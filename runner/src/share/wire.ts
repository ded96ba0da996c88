/**
 * The Kafka admin requests the runner needs and kafkajs 2.2.4 lacks: AlterClientQuotas (key 49, v0), DescribeAcls
 * (key 29, v1) and DescribeLogDirs (key 35, v1), non-flexible versions that Kafka 4.x still serves (plain
 * big-endian fields after a v1 request header); and the SCRAM credential requests DescribeUserScramCredentials
 * (key 50) and AlterUserScramCredentials (key 51), which exist only in flexible versions (compact fields and
 * tagged-field sections, after a v2 request header). Each goes to one broker through `sendRaw`: DescribeAcls and
 * DescribeLogDirs answer from that broker's own state, which is the point.
 */
import crypto from "node:crypto";
import { sendRaw } from "../lab/raw-request.ts";

export class Writer {
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
  /** An unsigned varint (the length prefixes of flexible versions). */
  uvarint(n: number): this {
    const out: number[] = [];
    let rest = n >>> 0;
    while (rest >= 0x80) {
      out.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    out.push(rest);
    return this.push(Buffer.from(out));
  }
  compactString(s: string | null): this {
    if (s === null) return this.uvarint(0);
    const bytes = Buffer.from(s, "utf8");
    return this.uvarint(bytes.length + 1).push(bytes);
  }
  compactBytes(b: Buffer): this {
    return this.uvarint(b.length + 1).push(b);
  }
  compactArray<T>(items: readonly T[] | null, each: (w: this, item: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const item of items) each(this, item);
    return this;
  }
  /** An empty tagged-field section. */
  tags(): this {
    return this.uvarint(0);
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
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buffer.readUInt8(this.offset++);
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  }
  compactString(): string | null {
    const length = this.uvarint() - 1;
    if (length < 0) return null;
    const value = this.buffer.toString("utf8", this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
  compactArray<T>(each: (r: this) => T): T[] {
    const length = this.uvarint() - 1;
    const items: T[] = [];
    for (let i = 0; i < length; i++) items.push(each(this));
    return items;
  }
  /** `length` raw bytes. */
  raw(length: number): Buffer {
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return bytes;
  }
  /** Skips a tagged-field section (the runner reads no tagged fields). */
  tags(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.offset += this.uvarint();
    }
  }
}

let correlation = 1;
/** A request: header v1, or v2 (with its tagged-field section) for a flexible version, then the body. */
function request(apiKey: number, version: number, body: (w: Writer) => void, flexible = false): Buffer {
  const w = new Writer()
    .int16(apiKey)
    .int16(version)
    .int32(correlation++ & 0x7fffffff)
    .string("offset-runner");
  if (flexible) w.tags();
  body(w);
  return w.bytes();
}

/** Reads the response header (correlation id, and for a flexible version its tags) and hands back a reader at the body. */
async function call(broker: string, payload: Buffer, timeoutMs = 10_000, flexible = false): Promise<Reader> {
  const response = new Reader(await sendRaw(payload, { broker, timeoutMs }));
  response.int32();
  if (flexible) response.tags();
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

/** One ACL binding's fields, as a DescribeAcls filter matches them exactly. */
export interface AclBindingFilter {
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
  operation: number;
  permissionType: number;
}

/**
 * How many ACL bindings `principal` has on this broker, as this broker's authorizer sees them: all of them, or
 * those that match `binding` exactly (0 or 1).
 */
export async function countAcls(broker: string, principal: string, binding?: AclBindingFilter): Promise<number> {
  const ANY = 1;
  const payload = request(29, 1, (w) =>
    w
      .int8(binding?.resourceType ?? ANY)
      .string(binding?.resourceName ?? null)
      .int8(binding?.resourcePatternType ?? ANY)
      .string(principal)
      .string(null)
      .int8(binding?.operation ?? ANY)
      .int8(binding?.permissionType ?? ANY),
  );
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

/** The SCRAM mechanisms Kafka stores credentials for, with their numbers in the SCRAM credential requests. */
export const SCRAM_MECHANISMS = { "SCRAM-SHA-256": 1, "SCRAM-SHA-512": 2 } as const;
export type ScramMechanism = keyof typeof SCRAM_MECHANISMS;
/** Kafka's bounds on a SCRAM credential's iteration count (ScramMechanism.minIterations, and its maximum). */
export const SCRAM_ITERATIONS = { min: 4096, max: 16384 } as const;

/** What a client stores for a SCRAM login: the salt and the salted password, Hi() of RFC 5802 (PBKDF2 with HMAC). */
export function saltedPassword(password: string, salt: Buffer, iterations: number, mechanism: ScramMechanism): Buffer {
  const hash = mechanism === "SCRAM-SHA-512" ? "sha512" : "sha256";
  return crypto.pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, hash === "sha512" ? 64 : 32, hash);
}

export interface ScramUpsert {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  iterations: number;
}

/** The AlterUserScramCredentials (v0) request that sets `upserts` and removes `deletions`, with fresh salts. */
export function alterScramRequest(
  upserts: readonly ScramUpsert[],
  deletions: readonly { user: string; mechanism: ScramMechanism }[] = [],
): Buffer {
  return request(
    51,
    0,
    (w) =>
      w
        .compactArray(deletions, (d, item) => d.compactString(item.user).int8(SCRAM_MECHANISMS[item.mechanism]).tags())
        .compactArray(upserts, (u, item) => {
          const salt = crypto.randomBytes(32);
          u.compactString(item.user)
            .int8(SCRAM_MECHANISMS[item.mechanism])
            .int32(item.iterations)
            .compactBytes(salt)
            .compactBytes(saltedPassword(item.password, salt, item.iterations, item.mechanism))
            .tags();
        })
        .tags(),
    true,
  );
}

/**
 * Creates or replaces SCRAM credentials (`upserts`) and removes others (`deletions`). Any broker takes the request
 * and forwards it to the controller, which writes the credentials to the metadata log: every broker then has them.
 */
export async function alterScramCredentials(
  broker: string,
  upserts: readonly ScramUpsert[],
  deletions: readonly { user: string; mechanism: ScramMechanism }[] = [],
): Promise<void> {
  const r = await call(broker, alterScramRequest(upserts, deletions), 15_000, true);
  r.int32(); // throttle time
  const results = r.compactArray((e) => {
    const result = { user: e.compactString() ?? "", code: e.int16(), message: e.compactString() };
    e.tags();
    return result;
  });
  const failed = results.find((result) => result.code !== 0);
  if (failed) throw new KafkaWireError(`Changing the SCRAM credentials of ${failed.user}`, failed.code, failed.message);
}

export interface ScramCredentialInfo {
  user: string;
  mechanisms: { mechanism: ScramMechanism; iterations: number }[];
}

/** The SCRAM credentials of `users` (every user when null): mechanisms and iterations, never the secrets. */
export async function describeScramCredentials(broker: string, users: readonly string[] | null): Promise<ScramCredentialInfo[]> {
  const payload = request(50, 0, (w) => w.compactArray(users, (u, name) => u.compactString(name).tags()).tags(), true);
  const r = await call(broker, payload, 10_000, true);
  r.int32(); // throttle time
  const code = r.int16();
  const message = r.compactString();
  if (code !== 0) throw new KafkaWireError("Listing SCRAM credentials", code, message);
  const byNumber = Object.fromEntries(Object.entries(SCRAM_MECHANISMS).map(([name, n]) => [n, name])) as Record<number, ScramMechanism>;
  const found: ScramCredentialInfo[] = [];
  r.compactArray((e) => {
    const user = e.compactString() ?? "";
    const userCode = e.int16();
    e.compactString();
    const mechanisms = e.compactArray((c) => {
      const info = { mechanism: byNumber[c.int8()] ?? "SCRAM-SHA-512", iterations: c.int32() };
      c.tags();
      return info;
    });
    e.tags();
    // RESOURCE_NOT_FOUND (91): a user asked for by name who has no credentials.
    if (userCode === 0) found.push({ user, mechanisms });
  });
  return found;
}
