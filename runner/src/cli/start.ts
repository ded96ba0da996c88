/**
 * `npm start`: builds the site when it is missing or stale, starts the cluster and the runner, serves both on
 * one port and prints the URL. Ctrl+C stops everything it started; a guardian stops the brokers even if this
 * process is killed.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ClusterError } from "../cluster/index.ts";
import { loadConfig } from "../config/index.ts";
import { EngineUnavailableError } from "../sandbox/index.ts";
import { repoRoot, startServer } from "../server.ts";

const log = (line: string) => console.log(`[offset] ${line}`);

/** True when dist/ is older than any source the site is built from. */
export function siteIsStale(root: string): boolean {
  const built = path.join(root, "dist", "index.html");
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  const newest = (dir: string): number =>
    fs.existsSync(dir)
      ? fs.readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
          const p = path.join(dir, e.name);
          return Math.max(max, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
        }, 0)
      : 0;
  return (
    ["src", "content", "public", "runner/src/protocol", "runner/src/lab"].some((d) => newest(path.join(root, d)) > builtAt) ||
    fs.statSync(path.join(root, "astro.config.mjs")).mtimeMs > builtAt
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (siteIsStale(repoRoot)) {
    log("Building the site…");
    const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/astro/bin/astro.mjs"), "build", "--silent"], {
      cwd: repoRoot,
      stdio: "inherit",
    });
    if (result.status !== 0) throw new Error("The site build failed (see above).");
  }
  log(`Starting Kafka (${config.KAFKA_MODE})…`);
  const running = await startServer(config, { owned: true, progress: log });
  log(`Engine: ${running.engine.name}${running.engine.isolated ? "" : " (not sandboxed)"}`);
  console.log(`\n  Offset is ready: ${running.url}\n  Press Ctrl+C to stop.\n`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log("Stopping…");
    await running.close({ stopCluster: true });
    log("Stopped. Nothing is left running.");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  const known = error instanceof ClusterError || error instanceof EngineUnavailableError;
  console.error(`[offset] ${known ? error.message : String(error)}`);
  process.exit(1);
});
