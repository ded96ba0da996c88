/**
 * Reads the live state of the cluster for GET /api/cluster: brokers, the active controller, topics with
 * partition leaders, replicas, ISR and end offsets, and consumer groups with members, assignments and lag.
 */
import "./tolerant-metadata.ts";
import { AssignerProtocol, Kafka, logLevel, type Admin } from "kafkajs";
import { describeQuorumRequest, parseDescribeQuorum } from "../lab/quorum.ts";
import { sendRaw } from "../lab/raw-request.ts";
import type { BrokerStatus } from "./types.ts";

import type { ClusterView, GroupView, PartitionView } from "../protocol/cluster.ts";

export type { ClusterView, GroupView, PartitionView };

/** Keeps one admin connection and answers cluster views, with names filtered by `visible`. */
export class ClusterInspector {
  private admin: Admin | undefined;
  private readonly bootstrap: () => readonly string[];

  constructor(bootstrap: () => readonly string[]) {
    this.bootstrap = bootstrap;
  }

  private async connect(): Promise<Admin> {
    if (this.admin) return this.admin;
    const kafka = new Kafka({
      clientId: "offset-runner",
      brokers: [...this.bootstrap()],
      connectionTimeout: 1500,
      requestTimeout: 5000,
      retry: { retries: 1, initialRetryTime: 100 },
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    this.admin = admin;
    return admin;
  }

  /** Drops the connection (after a failure, so the next call reconnects to whichever brokers are up). */
  async reset(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => {});
  }

  async view(statuses: BrokerStatus[], visible: (name: string) => boolean): Promise<ClusterView> {
    try {
      return await this.read(statuses, visible);
    } catch (error) {
      await this.reset();
      throw error;
    }
  }

  private async read(statuses: BrokerStatus[], visible: (name: string) => boolean): Promise<ClusterView> {
    const admin = await this.connect();
    const described = await admin.describeCluster();
    // In KRaft, DescribeCluster's "controller" is any live broker; the quorum leader is the active controller.
    const controller = await this.activeController(statuses).catch(() => described.controller);
    const names = (await admin.listTopics()).filter((name) => !name.startsWith("__") && visible(name)).sort();
    const topics = await Promise.all(
      (await topicMetadata(admin, names)).map(async (t) => {
        const offsets = await admin.fetchTopicOffsets(t.name).catch(() => []);
        const end = new Map(offsets.map((o) => [o.partition, o.high]));
        return {
          name: t.name,
          partitions: t.partitions
            .map((p) => ({
              partition: p.partitionId,
              leader: p.leader,
              replicas: p.replicas,
              isr: p.isr,
              endOffset: end.get(p.partitionId) ?? "0",
            }))
            .sort((a, b) => a.partition - b.partition),
        };
      }),
    );
    const groupIds = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter(visible)
      .sort();
    const groups = groupIds.length ? await this.groups(admin, groupIds, topics) : [];
    const up = new Set(statuses.filter((s) => s.up).map((s) => s.id));
    const brokers = statuses.map((s) => ({ ...s, controller: s.id === controller }));
    for (const b of described.brokers) {
      if (!brokers.some((s) => s.id === b.nodeId))
        brokers.push({ id: b.nodeId, address: `${b.host}:${b.port}`, up: true, controller: b.nodeId === controller });
    }
    return {
      brokers: brokers.map((b) => ({ ...b, up: b.up || up.has(b.id) })),
      controller,
      clusterId: described.clusterId,
      topics,
      groups,
    };
  }

  /** The KRaft quorum leader, asked of the first broker that answers. */
  private async activeController(statuses: BrokerStatus[]): Promise<number> {
    for (const broker of statuses.filter((s) => s.up)) {
      try {
        return parseDescribeQuorum(await sendRaw(describeQuorumRequest(), { broker: broker.address, timeoutMs: 2000 })).leaderId;
      } catch {
        // Try the next broker.
      }
    }
    throw new Error("No broker answered DescribeQuorum");
  }

  private async groups(admin: Admin, groupIds: string[], topics: ClusterView["topics"]): Promise<GroupView[]> {
    const described = await admin.describeGroups(groupIds);
    const endOffsets = new Map(topics.flatMap((t) => t.partitions.map((p) => [`${t.name}:${p.partition}`, BigInt(p.endOffset)] as const)));
    return Promise.all(
      described.groups.map(async (g) => {
        const committed = await admin.fetchOffsets({ groupId: g.groupId }).catch(() => []);
        const lag = committed.flatMap((t) =>
          t.partitions
            .filter((p) => p.offset !== "-1")
            .map((p) => {
              const end = endOffsets.get(`${t.topic}:${p.partition}`) ?? BigInt(p.offset);
              return { topic: t.topic, partition: p.partition, committed: p.offset, lag: Number(end - BigInt(p.offset)) };
            }),
        );
        return {
          groupId: g.groupId,
          state: g.state,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            clientId: m.clientId,
            assignments: decodeAssignment(m.memberAssignment),
          })),
          lag,
        };
      }),
    );
  }
}

function decodeAssignment(buffer: Buffer): { topic: string; partitions: number[] }[] {
  if (!buffer || buffer.length === 0) return [];
  try {
    const decoded = AssignerProtocol.MemberAssignment.decode(buffer);
    return Object.entries(decoded?.assignment ?? {}).map(([topic, partitions]) => ({
      topic,
      partitions: [...partitions].sort((a, b) => a - b),
    }));
  } catch {
    return [];
  }
}

type TopicMetadata = Awaited<ReturnType<Admin["fetchTopicMetadata"]>>["topics"];

/**
 * Metadata of the listed topics. In a class, topics come and go all the time (every freshTopic deletes and
 * creates one), so a topic listed a moment ago may be gone, or not yet known to the broker asked: then each topic
 * is asked for alone and the ones that fail are left out of this view (the next poll shows them).
 */
async function topicMetadata(admin: Admin, names: string[]): Promise<TopicMetadata> {
  if (!names.length) return [];
  // A topic with no partitions is one this broker has not heard of yet (see tolerant-metadata.ts): not shown yet.
  const known = (topics: TopicMetadata) => topics.filter((t) => t.partitions.length > 0);
  try {
    return known((await admin.fetchTopicMetadata({ topics: names })).topics);
  } catch {
    const each = await Promise.all(
      names.map((name) =>
        admin.fetchTopicMetadata({ topics: [name] }).then(
          (m) => m.topics,
          () => [],
        ),
      ),
    );
    return known(each.flat());
  }
}
