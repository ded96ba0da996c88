/**
 * `npm run services -- status | up <name> | down <name>`: the companion services (ZooKeeper-mode Kafka, RabbitMQ)
 * from a terminal. What `up` starts keeps running after the command returns, until `down`; the course uses it
 * as it finds it. Exit codes: 0 done (status: all ready), 2 usage, 3 status with some service not running.
 */
import { createCluster } from "../cluster/index.ts";
import { ClusterError } from "../cluster/types.ts";
import { loadConfig } from "../config/index.ts";
import { createServiceManager, createServices } from "../services/index.ts";
import { ServiceError, isServiceName } from "../services/types.ts";

const usage = "Usage: npm run services -- status | up <name> | down <name>";

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const config = loadConfig();
  const cluster = await createCluster(config, { owned: false });
  const manager = createServiceManager(config, createServices(config, cluster), { owned: false });
  await manager.start();
  const names = manager.services.map((s) => s.name).join(", ");
  const progress = (line: string) => console.log(line);
  switch (command) {
    case "status": {
      const states = await manager.status();
      const width = Math.max(...states.map((s) => s.name.length));
      for (const s of states) {
        const service = manager.service(s.name);
        const detail = s.state === "ready" ? `pids ${s.pids.join(", ")}` : s.error ? s.error.split("\n")[0] : "";
        console.log(
          `${s.name.padEnd(width)}  ${s.state.padEnd(8)}  ${service.title}, ~${s.memoryMb} MiB, ports ${service.ports.join(",")}  ${detail}`,
        );
        console.log(`${" ".repeat(width)}  installed from ${service.install}`);
      }
      return states.every((s) => s.state === "ready") ? 0 : 3;
    }
    case "up":
    case "down": {
      if (!name || !isServiceName(name) || !manager.has(name)) {
        console.error(`Which service? One of: ${names}.\n${usage}`);
        return 2;
      }
      if (command === "up") await manager.up(name, progress);
      else await manager.down(name, progress);
      return 0;
    }
    default:
      console.error(usage);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ServiceError || error instanceof ClusterError ? error.message : error);
    process.exit(1);
  },
);
