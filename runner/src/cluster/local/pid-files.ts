/**
 * Pid files for the processes the course starts (Kafka nodes, companion services), checked against /proc so a
 * stale file never makes us signal a stranger: a pid counts as ours only while its command line still holds the
 * words we started it with.
 */
import fs from "node:fs";

/** Returns the pid in `file` when that process is alive and its command line holds every one of `needles`. */
export function livePidOf(file: string, needles: readonly string[]): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isOurProcess(pid, needles) ? pid : undefined;
}

/** True when `pid` is alive, not a zombie, and its command line holds every one of `needles`. */
export function isOurProcess(pid: number, needles: readonly string[]): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const state = /\) (\w)/.exec(fs.readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    return state !== "Z" && needles.every((needle) => cmdline.includes(needle));
  } catch {
    return false;
  }
}

/** Sends SIGTERM (or `signal`), waits up to `graceMs` for exit, then SIGKILL. Resolves once the process is gone. */
export async function terminateProcess(
  pid: number,
  needles: readonly string[],
  graceMs: number,
  signal: NodeJS.Signals = "SIGTERM",
): Promise<void> {
  const send = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  send(signal);
  const deadline = Date.now() + graceMs;
  while (isOurProcess(pid, needles)) {
    if (Date.now() > deadline) {
      send("SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      if (!isOurProcess(pid, needles)) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const kafkaNode = (propertiesPath: string) => ["kafka.Kafka", propertiesPath];

/** Returns the pid in `file` when that process is alive and is the Kafka node started with `propertiesPath`. */
export function livePid(file: string, propertiesPath: string): number | undefined {
  return livePidOf(file, kafkaNode(propertiesPath));
}

/** True when `pid` runs kafka.Kafka with our properties file and is not a zombie. */
export function isOurNode(pid: number, propertiesPath: string): boolean {
  return isOurProcess(pid, kafkaNode(propertiesPath));
}

/** Stops the Kafka node `pid` (see terminateProcess). */
export function terminate(pid: number, propertiesPath: string, graceMs: number): Promise<void> {
  return terminateProcess(pid, kafkaNode(propertiesPath), graceMs);
}
