/**
 * DescribeQuorum (API key 55, version 0): who leads the KRaft controller quorum, at which epoch, and how far each
 * voter's copy of the metadata log has come. kafkajs 2.2.4 predates KRaft, so the lab speaks this one request itself.
 */

export interface QuorumReplica {
  id: number;
  logEndOffset: bigint;
}

export interface Quorum {
  /** Node id of the active controller. */
  leaderId: number;
  leaderEpoch: number;
  /** Offset of the metadata log up to which a majority of voters has the records. */
  highWatermark: bigint;
  voters: QuorumReplica[];
  observers: QuorumReplica[];
}

/** The request: header v2 (flexible) and one topic, __cluster_metadata, partition 0. */
export function describeQuorumRequest(correlationId = 1): Buffer {
  const clientId = Buffer.from("offset-lab");
  const header = Buffer.alloc(8);
  header.writeInt16BE(55, 0);
  header.writeInt16BE(0, 2);
  header.writeInt32BE(correlationId, 4);
  const clientIdLength = Buffer.alloc(2);
  clientIdLength.writeInt16BE(clientId.length);
  const topic = Buffer.from("__cluster_metadata");
  // Compact arrays and strings store length + 1; the partition, the topic and the request each end with an empty
  // tagged-field section (0).
  const body = Buffer.concat([Buffer.from([2, topic.length + 1]), topic, Buffer.from([2, 0, 0, 0, 0, 0, 0, 0])]);
  return Buffer.concat([header, clientIdLength, clientId, Buffer.from([0]), body]);
}

/** Parses a DescribeQuorum v0 response (without its size prefix). */
export function parseDescribeQuorum(b: Buffer): Quorum {
  let at = 4 + 1; // correlation id, response header tagged fields
  const int16 = () => ((at += 2), b.readInt16BE(at - 2));
  const int32 = () => ((at += 4), b.readInt32BE(at - 4));
  const int64 = () => ((at += 8), b.readBigInt64BE(at - 8));
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= b.length) throw new Error("DescribeQuorum response ended early");
      const byte = b[at++]!;
      value |= (byte & 0x7f) << shift;
      if (byte < 0x80) return value;
    }
  };
  const skipTags = () => {
    for (let n = varint(); n > 0; n--) {
      varint();
      at += varint();
    }
  };
  const error = int16();
  if (error !== 0) throw new Error(`DescribeQuorum failed with error code ${error}`);
  varint(); // topics: one
  const nameLength = varint() - 1; // (read before moving `at`: `at += varint()` would use the old `at`)
  at += nameLength; // topic name
  varint(); // partitions: one
  int32(); // partition index
  const partitionError = int16();
  if (partitionError !== 0) throw new Error(`DescribeQuorum failed with error code ${partitionError}`);
  const leaderId = int32();
  const leaderEpoch = int32();
  const highWatermark = int64();
  const replicas = (): QuorumReplica[] =>
    Array.from({ length: varint() - 1 }, () => {
      const replica = { id: int32(), logEndOffset: int64() };
      skipTags();
      return replica;
    });
  const voters = replicas();
  const observers = replicas();
  return { leaderId, leaderEpoch, highWatermark, voters, observers };
}
