/**
 * Kills the local Kafka nodes when the process that owns them dies, however it dies (even SIGKILL):
 * the owner holds our stdin open, and the kernel closes it when the owner exits.
 * Usage: node guardian.ts <cluster dir> <comma-separated node ids>
 */
import fs from "node:fs";
import path from "node:path";
import { LOCAL_NODE_IDS } from "./properties.ts";
import { livePid, terminate } from "./pid-files.ts";

const clusterDir = process.argv[2]!;
const ids = (process.argv[3] ?? LOCAL_NODE_IDS.join(",")).split(",").map(Number);
process.on("SIGINT", () => {}); // Ctrl+C is the owner's to handle; we act only when it is gone.
process.stdin.resume();
process.stdin.on("end", () => void cleanUp());
process.stdin.on("error", () => void cleanUp());

async function cleanUp(): Promise<void> {
  await Promise.all(
    ids.map(async (id) => {
      const properties = path.join(clusterDir, `node${id}.properties`);
      const pidFile = path.join(clusterDir, `node${id}.pid`);
      const pid = livePid(pidFile, properties);
      if (pid) await terminate(pid, properties, 15_000);
      fs.rmSync(pidFile, { force: true });
    }),
  );
  process.exit(0);
}
