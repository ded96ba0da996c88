/**
 * The learner's way into ZooKeeper lets reads through and nothing else. A ZooKeeper client speaks in frames (a
 * 4-byte big-endian length, then the frame): first a connect request, then requests that each start with an xid
 * and an operation code. The gate passes the connect request and the read, watch and session operations below,
 * and cuts the connection at the first frame that would change a znode (create, delete, setData, setACL, multi,
 * reconfig…), or at one too large to be a request. So a lesson can show Kafka's znodes live, and no learner can
 * edit the ZooKeeper-mode cluster's metadata under it.
 */
import { Transform, type TransformCallback } from "node:stream";

/** Operation codes a read-only client needs (org.apache.zookeeper.ZooDefs.OpCode). */
export const READ_ONLY_OPS: ReadonlyMap<number, string> = new Map([
  [3, "exists"],
  [4, "getData"],
  [6, "getACL"],
  [8, "getChildren"],
  [9, "sync"],
  [11, "ping"],
  [12, "getChildren2"],
  [18, "removeWatches"],
  [101, "setWatches"],
  [104, "getAllChildrenNumber"],
  [105, "setWatches2"],
  [106, "addWatch"],
  [107, "getEphemerals"],
  [-11, "closeSession"],
]);

/** Larger than any read request a client sends (paths are short); a bigger frame is refused. */
const MAX_FRAME = 64 * 1024;

/** Why a frame was refused, for the runner's log. */
export type GateRefusal = (reason: string) => void;

/** A stream from the learner to ZooKeeper that forwards whole allowed frames and fails on the first other one. */
export class ZooKeeperReadOnlyGate extends Transform {
  private buffered: Buffer = Buffer.alloc(0);
  private connected = false;
  private readonly onRefuse: GateRefusal;

  constructor(onRefuse: GateRefusal = () => {}) {
    super();
    this.onRefuse = onRefuse;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const length = this.buffered.readInt32BE(0);
      if (length < 0 || length > MAX_FRAME) return this.refuse(`a frame of ${length} bytes`, callback);
      if (this.buffered.length < 4 + length) break;
      const frame = this.buffered.subarray(0, 4 + length);
      if (this.connected) {
        if (length < 8) return this.refuse("a request too short to name its operation", callback);
        const op = frame.readInt32BE(8);
        if (!READ_ONLY_OPS.has(op)) return this.refuse(`operation ${op} (only reads are allowed)`, callback);
      }
      // The first frame is the connect request (protocol version, last zxid, timeout, session id and password).
      this.connected = true;
      this.push(frame);
      this.buffered = this.buffered.subarray(4 + length);
    }
    callback();
  }

  private refuse(reason: string, callback: TransformCallback): void {
    this.onRefuse(reason);
    this.buffered = Buffer.alloc(0);
    callback(new Error(`ZooKeeper is read-only for lessons: refused ${reason}`));
  }
}
