/**
 * `npm run cluster -- up|down|status|stop N|start N`: drives the configured Kafka backend from a terminal.
 * Nodes started here keep running after the command returns, until `down`.
 */
import { loadConfig } from "../config/index.ts";
import { createCluster } from "../cluster/index.ts";
import { ClusterError } from "../cluster/types.ts";

const usage = "Usage: npm run cluster -- up | down | status | stop <broker id> | start <broker id>";

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  const config = loadConfig();
  const cluster = await createCluster(config, { owned: false });
  const progress = (line: string) => console.log(line);
  switch (command) {
    case "up":
      await cluster.up(progress);
      return 0;
    case "down":
      await cluster.down(progress);
      console.log("Kafka cluster stopped");
      return 0;
    case "status": {
      const brokers = await cluster.status();
      console.log(`mode: ${cluster.mode}`);
      for (const broker of brokers) console.log(`broker ${broker.id}  ${broker.address}  ${broker.up ? "up" : "down"}`);
      return brokers.every((b) => b.up) ? 0 : 3;
    }
    case "stop":
    case "start": {
      const id = Number(arg);
      if (!Number.isInteger(id)) {
        console.error(`Which broker? ${usage}`);
        return 2;
      }
      await (command === "stop" ? cluster.stopBroker(id, progress) : cluster.startBroker(id, progress));
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
    console.error(error instanceof ClusterError ? error.message : error);
    process.exit(1);
  },
);
