/**
 * The runner as the benchmarks start it: its own process (so its memory and CPU are its own, not the load
 * generator's), serving a site folder chosen by the benchmark, against a cluster the benchmark already started.
 * It never starts or stops brokers: KAFKA_MODE=local finds them running and leaves them alone on close.
 */
import { loadConfig } from "../../runner/src/config/index.ts";
import { startServer } from "../../runner/src/server.ts";

const running = await startServer(loadConfig(), {
  owned: false,
  ...(process.env.BENCH_SITE_DIR ? { siteDir: process.env.BENCH_SITE_DIR } : {}),
});
console.log(`READY ${running.url} ${running.engine.name}`);

let closing = false;
const close = async () => {
  if (closing) return;
  closing = true;
  await running.close({ stopCluster: false }).catch(() => {});
  process.exit(0);
};
process.on("SIGTERM", () => void close());
process.on("SIGINT", () => void close());
// The benchmark holds our stdin; when it dies, we go too.
process.stdin.on("end", () => void close());
process.stdin.resume();
