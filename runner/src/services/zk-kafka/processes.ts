/**
 * The four JVMs of the ZooKeeper-mode cluster as managed processes: their command lines (heap, log4j 1 file, class
 * path), the words that recognise each one, and how long a clean stop may take. Also the resident-memory reading
 * the budget uses.
 */
import fs from "node:fs";
import path from "node:path";
import { ManagedProcess } from "../process.ts";
import type { ZkBrokerId } from "./properties.ts";

const ZOOKEEPER_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain";
const BROKER_MAIN = "kafka.Kafka";
const ZOOKEEPER_HEAP_MB = 128;
const BROKER_HEAP_MB = 256;
/**
 * A broker stops in about a second here (its controlled shutdown gives up after one try) and ZooKeeper in under
 * one; on two busy cores it takes several times longer. Past these they are killed.
 */
const BROKER_GRACE_MS = 90_000;
const ZOOKEEPER_GRACE_MS = 20_000;

const jvmArgs = (runDir: string) => [
  "-Djava.awt.headless=true",
  `-Dlog4j.configuration=file:${path.join(runDir, "conf", "log4j.properties")}`,
];

/** ZooKeeper; its pid file goes straight into `runDir`, its log into runDir/logs. */
export function zookeeperProcess(runDir: string, libs: string): ManagedProcess {
  const conf = path.join(runDir, "conf", "zookeeper.properties");
  return new ManagedProcess(runDir, {
    id: "zookeeper",
    command: "java",
    args: [
      "-Xms32m",
      `-Xmx${ZOOKEEPER_HEAP_MB}m`,
      ...jvmArgs(runDir),
      "-Dzookeeper.admin.enableServer=false",
      "-cp",
      `${libs}/*`,
      ZOOKEEPER_MAIN,
      conf,
    ],
    needles: [ZOOKEEPER_MAIN, conf],
    graceMs: ZOOKEEPER_GRACE_MS,
  });
}

/** Broker `id`, with the course's plugin jar (the learner login check) on its class path. */
export function brokerProcess(runDir: string, id: ZkBrokerId, libs: string, pluginJar: string): ManagedProcess {
  const conf = path.join(runDir, "conf", `broker-${id}.properties`);
  return new ManagedProcess(runDir, {
    id: `broker-${id}`,
    command: "java",
    args: [
      "-Xms128m",
      `-Xmx${BROKER_HEAP_MB}m`,
      "-XX:+UseG1GC",
      "-XX:MaxGCPauseMillis=20",
      "-XX:+ExplicitGCInvokesConcurrent",
      ...jvmArgs(runDir),
      `-Dkafka.logs.dir=${path.join(runDir, "logs")}`,
      "-cp",
      `${libs}/*:${pluginJar}`,
      BROKER_MAIN,
      conf,
    ],
    needles: [BROKER_MAIN, conf],
    graceMs: BROKER_GRACE_MS,
  });
}

/** VmRSS of a process in KiB (0 when it is gone). */
export function rssKib(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The memory figure a previous start measured (MiB), if any. */
export function readMeasuredMemory(file: string): number | undefined {
  try {
    const mib = Number(fs.readFileSync(file, "utf8").trim());
    return Number.isInteger(mib) && mib > 0 ? mib : undefined;
  } catch {
    return undefined;
  }
}
