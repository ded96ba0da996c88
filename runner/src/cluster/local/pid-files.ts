/** Pid files for local nodes, checked against /proc so a stale file never makes us signal a stranger. */
import fs from "node:fs";

/** Returns the pid in `file` when that process is alive and is the Kafka node started with `propertiesPath`. */
export function livePid(file: string, propertiesPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, "utf8").trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return isOurNode(pid, propertiesPath) ? pid : undefined;
}

/** True when `pid` runs kafka.Kafka with our properties file and is not a zombie. */
export function isOurNode(pid: number, propertiesPath: string): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    const state = /\) (\w)/.exec(fs.readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
    return state !== "Z" && cmdline.includes("kafka.Kafka") && cmdline.includes(propertiesPath);
  } catch {
    return false;
  }
}

/** Sends SIGTERM, waits up to `graceMs` for exit, then SIGKILL. Resolves once the process is gone. */
export async function terminate(pid: number, propertiesPath: string, graceMs: number): Promise<void> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isOurNode(pid, propertiesPath)) {
    if (Date.now() > deadline) {
      signal("SIGKILL");
      await new Promise((r) => setTimeout(r, 200));
      if (!isOurNode(pid, propertiesPath)) return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
