/**
 * Cluster timings on the benchmark's own 3-node cluster: cold start (storage formatted from scratch), warm
 * restart, and what a learner sees in the failover lessons: how long after a leader's broker is stopped a new
 * leader is reported, and how long after it is started again it is back in the ISR.
 */
import fs from "node:fs";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { LocalCluster } from "../../runner/src/cluster/local/index.ts";
import { sleep, type BenchStack } from "./stack.ts";
import { round, wallNow } from "./stats.ts";

export const FAILOVER_TOPIC = "bench-failover";

/**
 * Stops any node left on our ports by an earlier, interrupted benchmark, deletes the data (unless `keepData`:
 * smoke mode saves the formatting) and starts the cluster.
 */
export async function coldStart(stack: BenchStack, keepData = false): Promise<number> {
  await new LocalCluster({ home: stack.options.home, owned: false, port: stack.options.kafkaPort }).down();
  if (!keepData) fs.rmSync(stack.clusterDir, { recursive: true, force: true });
  const started = wallNow();
  await stack.cluster.up();
  return round(wallNow() - started, 0);
}

export async function warmRestart(stack: BenchStack): Promise<{ stopMs: number; startMs: number }> {
  let at = wallNow();
  await stack.cluster.down();
  const stopMs = round(wallNow() - at, 0);
  at = wallNow();
  await stack.cluster.up();
  return { stopMs, startMs: round(wallNow() - at, 0) };
}

export function admin(bootstrap: readonly string[], connectionTimeout = 1500): Admin {
  return new Kafka({
    clientId: "offset-bench",
    brokers: [...bootstrap],
    connectionTimeout,
    requestTimeout: 3000,
    retry: { retries: 1, initialRetryTime: 50 },
    logLevel: logLevel.NOTHING,
  }).admin();
}

/** Creates `topic` with replication factor 3 unless it exists, and waits for its leaders. */
export async function ensureTopic(bootstrap: readonly string[], topic: string, partitions: number): Promise<void> {
  const a = admin(bootstrap);
  await a.connect();
  try {
    if (!(await a.listTopics()).includes(topic)) {
      await a.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }], waitForLeaders: true, timeout: 20_000 });
    }
  } finally {
    await a.disconnect();
  }
}

interface PartitionState {
  leader: number;
  isr: number[];
}

async function partition0(a: Admin): Promise<PartitionState | undefined> {
  try {
    const metadata = await a.fetchTopicMetadata({ topics: [FAILOVER_TOPIC] });
    const p = metadata.topics[0]?.partitions.find((x) => x.partitionId === 0);
    return p ? { leader: p.leader, isr: p.isr } : undefined;
  } catch {
    // The broker asked may be the one going down; ask again.
    return undefined;
  }
}

async function pollUntil(a: Admin, done: (state: PartitionState) => boolean, timeoutMs: number): Promise<number | undefined> {
  const started = wallNow();
  while (wallNow() - started < timeoutMs) {
    const state = await partition0(a);
    if (state && done(state)) return round(wallNow() - started, 0);
    await sleep(25);
  }
  return undefined;
}

export interface FailoverTrial {
  stoppedBroker: number;
  /** stopBroker() called to a different leader being reported. */
  newLeaderMs?: number | undefined;
  /** stopBroker() called to the process being gone (a graceful shutdown hands leadership over first). */
  stopCallMs: number;
  /** stopBroker() called to the stopped broker leaving the ISR. */
  leftIsrMs?: number | undefined;
  /** startBroker() called to the broker being back in the ISR. */
  backInIsrMs?: number | undefined;
  /** startBroker() called to the broker reporting itself started. */
  startCallMs: number;
}

export async function failoverTrial(stack: BenchStack): Promise<FailoverTrial> {
  await ensureTopic(stack.bootstrap, FAILOVER_TOPIC, 1);
  const a = admin(stack.bootstrap);
  await a.connect();
  const before = await pollUntil(a, (s) => s.leader >= 0 && s.isr.length === 3, 60_000);
  const state = await partition0(a);
  await a.disconnect();
  if (before === undefined || !state) throw new Error(`${FAILOVER_TOPIC} has no leader with a full ISR`);
  const victim = state.leader;
  // Ask only the survivors, so each poll measures the cluster, not a connection timeout to the dying broker.
  const survivors = stack.bootstrap.filter((_, i) => i + 1 !== victim);
  const watcher = admin(survivors, 500);
  await watcher.connect();
  try {
    const stopAt = wallNow();
    let stopCallMs = Number.NaN;
    const stopping = stack.cluster.stopBroker(victim).then(() => (stopCallMs = round(wallNow() - stopAt, 0)));
    const newLeaderMs = await pollUntil(watcher, (s) => s.leader >= 0 && s.leader !== victim, 30_000);
    const leftIsr = await pollUntil(watcher, (s) => !s.isr.includes(victim), 30_000);
    const leftIsrMs = leftIsr === undefined ? undefined : round(wallNow() - stopAt, 0);
    await stopping;
    const startAt = wallNow();
    let startCallMs = Number.NaN;
    const starting = stack.cluster.startBroker(victim).then(() => (startCallMs = round(wallNow() - startAt, 0)));
    const backInIsrMs = await pollUntil(watcher, (s) => s.isr.includes(victim), 90_000);
    await starting;
    return { stoppedBroker: victim, newLeaderMs, stopCallMs, leftIsrMs, backInIsrMs, startCallMs };
  } finally {
    await watcher.disconnect();
  }
}
