import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ZooKeeperReadOnlyGate } from "./zookeeper-gate.ts";

/** A frame: its length, then the body. */
function frame(body: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeInt32BE(body.length);
  return Buffer.concat([head, body]);
}

/** A request frame: xid, op code, then a path-like payload. */
function request(op: number, xid = 1): Buffer {
  const body = Buffer.alloc(8 + 12);
  body.writeInt32BE(xid, 0);
  body.writeInt32BE(op, 4);
  body.write("/kafka39/brokers", 8);
  return frame(body);
}

const connect = frame(Buffer.alloc(44));

/** Pushes chunks through a gate; returns what came out and the error, if any. */
async function through(chunks: Buffer[]): Promise<{ out: Buffer; error?: Error; refused: string[] }> {
  const refused: string[] = [];
  const gate = new ZooKeeperReadOnlyGate((reason) => refused.push(reason));
  const sink = new PassThrough();
  const parts: Buffer[] = [];
  sink.on("data", (c: Buffer) => parts.push(c));
  gate.pipe(sink);
  const error = await new Promise<Error | undefined>((resolve) => {
    gate.once("error", resolve);
    for (const c of chunks) gate.write(c);
    gate.end((err?: Error | null) => resolve(err ?? undefined));
  });
  return { out: Buffer.concat(parts), ...(error ? { error } : {}), refused };
}

describe("ZooKeeperReadOnlyGate", () => {
  it("passes the connect request and reads, in whole frames, however the bytes arrive", async () => {
    const all = Buffer.concat([connect, request(12), request(4), request(3), request(11, -2), request(-11)]);
    // Cut at odd places: inside a length, inside a header.
    const chunks = [all.subarray(0, 2), all.subarray(2, 50), all.subarray(50, 53), all.subarray(53)];
    const { out, error } = await through(chunks);
    expect(error).toBeUndefined();
    expect(out.equals(all)).toBe(true);
  });

  it.each([
    [1, "create"],
    [2, "delete"],
    [5, "setData"],
    [7, "setACL"],
    [14, "multi"],
    [15, "create2"],
    [16, "reconfig"],
    [19, "createContainer"],
    [21, "createTTL"],
  ])("refuses op %i (%s) and forwards nothing of it", async (op) => {
    const { out, error, refused } = await through([connect, request(4), request(op)]);
    expect(error?.message).toMatch(/read-only/);
    expect(refused).toHaveLength(1);
    expect(out.equals(Buffer.concat([connect, request(4)]))).toBe(true);
  });

  it("refuses a four-letter command and oversized frames", async () => {
    const ruok = await through([Buffer.from("ruok")]);
    expect(ruok.error).toBeDefined();
    expect(ruok.out.length).toBe(0);
    const huge = await through([connect, frame(Buffer.alloc(70_000))]);
    expect(huge.error).toBeDefined();
  });
});
