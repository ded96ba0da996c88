/**
 * What the brokers cannot refuse up front, the runner cleans up after the fact: a classroom session whose topics
 * outgrow its disk budget (LIMIT_SESSION_DISK_MB), or a topic that grew past LIMIT_TOPIC_PARTITIONS through
 * CreatePartitions (Kafka has no policy hook for that request). Every few seconds it asks each broker for the
 * size of every replica it holds, and deletes the offending session's topics, largest first, telling the learner
 * why in their output panel.
 */
import { describeLogDirs, type ReplicaSize } from "./wire.ts";

export interface WatchLimits {
  topicPartitions: number;
  /** Disk budget per session in MiB, all replicas counted; 0 = none. */
  sessionDiskMb: number;
}

export interface WatcherOptions {
  bootstrap(): readonly string[];
  limits: WatchLimits;
  /** The session prefix a topic belongs to ("s-…"), or undefined for topics that are no session's. */
  sessionOf(topic: string): string | undefined;
  /** Deletes topics (full names). */
  deleteTopics(topics: string[]): Promise<void>;
  /** Tells a session's learner what happened and why. */
  notify(prefix: string, text: string): void;
  /** Replica sizes from every broker (injected in tests). */
  sizes?(): Promise<ReplicaSize[]>;
  intervalMs?: number;
}

export interface TopicUse {
  topic: string;
  bytes: number;
  partitions: number;
}

/** Sums replica sizes per session and topic. */
export function usageBySession(sizes: ReplicaSize[], sessionOf: (topic: string) => string | undefined): Map<string, TopicUse[]> {
  const topics = new Map<string, { bytes: number; partitions: Set<number> }>();
  for (const { topic, partition, bytes } of sizes) {
    const entry = topics.get(topic) ?? { bytes: 0, partitions: new Set<number>() };
    entry.bytes += bytes;
    entry.partitions.add(partition);
    topics.set(topic, entry);
  }
  const sessions = new Map<string, TopicUse[]>();
  for (const [topic, { bytes, partitions }] of topics) {
    const prefix = sessionOf(topic);
    if (!prefix) continue;
    sessions.set(prefix, [...(sessions.get(prefix) ?? []), { topic, bytes, partitions: partitions.size }]);
  }
  return sessions;
}

/** The topics to delete for one session, each with the learner-facing reason. */
export function overLimits(uses: TopicUse[], limits: WatchLimits, shown: (topic: string) => string): { topic: string; reason: string }[] {
  const doomed: { topic: string; reason: string }[] = [];
  const kept: TopicUse[] = [];
  for (const use of uses) {
    if (use.partitions > limits.topicPartitions) {
      doomed.push({
        topic: use.topic,
        reason: `it had ${use.partitions} partitions, and each topic may have at most ${limits.topicPartitions} on this course (LIMIT_TOPIC_PARTITIONS)`,
      });
    } else kept.push(use);
  }
  if (limits.sessionDiskMb > 0) {
    const budget = limits.sessionDiskMb * 1024 * 1024;
    let total = kept.reduce((sum, u) => sum + u.bytes, 0);
    const before = total;
    for (const use of [...kept].sort((a, b) => b.bytes - a.bytes)) {
      if (total <= budget) break;
      total -= use.bytes;
      doomed.push({
        topic: use.topic,
        reason: `your topics used ${mib(before)} on the brokers' disks (every replica counted), over the ${limits.sessionDiskMb} MiB each learner may use (LIMIT_SESSION_DISK_MB); ${shown(use.topic)} was the largest at ${mib(use.bytes)}`,
      });
    }
  }
  return doomed;
}

const mib = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;

export class ShareWatcher {
  private readonly options: WatcherOptions;
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | undefined;

  constructor(options: WatcherOptions) {
    this.options = options;
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.sweeping ??= this.sweep()
        .catch(() => {}) // a broker mid-election; the next sweep sees the same state
        .finally(() => (this.sweeping = undefined));
    }, this.options.intervalMs ?? 5_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** One pass: measure, delete what is over, tell the learners. Returns the deleted topics. */
  async sweep(): Promise<string[]> {
    const { options } = this;
    const sizes = options.sizes ? await options.sizes() : await replicaSizes(options.bootstrap());
    const deleted: string[] = [];
    for (const [prefix, uses] of usageBySession(sizes, (topic) => options.sessionOf(topic))) {
      const shown = (topic: string) => `"${topic.slice(prefix.length + 1)}"`;
      const doomed = overLimits(uses, options.limits, shown);
      if (!doomed.length) continue;
      await options.deleteTopics(doomed.map((d) => d.topic));
      for (const { topic, reason } of doomed) {
        options.notify(prefix, `Offset deleted your topic ${shown(topic)}: ${reason}.`);
        deleted.push(topic);
      }
    }
    return deleted;
  }
}

/** Replica sizes from every broker that answers (a stopped broker holds no disk anyone is writing to). */
async function replicaSizes(brokers: readonly string[]): Promise<ReplicaSize[]> {
  const answers = await Promise.allSettled(brokers.map((b) => describeLogDirs(b)));
  return answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
}
