// The sandbox half of the broker bridge, preloaded (node --import) before the bootstrap. The sandbox has only
// loopback, so for each bridged port it listens on 127.0.0.1:<port> and pipes to the host's unix socket for that
// broker. Brokers advertise 127.0.0.1:<port>, so kafkajs follows metadata to addresses that exist here too.
// A run whose lesson needs a companion service also gets that service's socket folder, and its ports the same way.
import net from "node:net";

const dir = process.env.OFFSET_BRIDGE_DIR ?? "/run/offset-bridge";
const servicesDir = "/run/offset-services";
const brokerPorts = (process.env.OFFSET_BRIDGE_PORTS ?? "").split(",").filter(Boolean).map(Number);
// "<service>:<port>" pairs.
const servicePorts = (process.env.OFFSET_SERVICE_PORTS ?? "")
  .split(",")
  .filter(Boolean)
  .map((pair) => pair.split(":"));
delete process.env.OFFSET_BRIDGE_DIR;
delete process.env.OFFSET_BRIDGE_PORTS;
delete process.env.OFFSET_SERVICE_PORTS;

const routes = [
  ...brokerPorts.map((port) => ({ port, socket: `${dir}/${port}.sock` })),
  ...servicePorts.map(([name, port]) => ({ port: Number(port), socket: `${servicesDir}/${name}/${port}.sock` })),
];

await Promise.all(
  routes.map(
    ({ port, socket }) =>
      new Promise((resolve) => {
        const server = net.createServer((inbound) => {
          const outbound = net.connect(socket);
          // Only the snippet's own sockets may keep the process alive; the bridge must never delay its exit.
          inbound.unref();
          outbound.unref();
          const drop = () => {
            inbound.destroy();
            outbound.destroy();
          };
          inbound.on("error", drop).on("close", drop);
          outbound.on("error", drop).on("close", drop);
          inbound.pipe(outbound).pipe(inbound);
        });
        server.unref();
        // A port the snippet took first just stays unbridged; the run reports the service as unreachable.
        server.once("error", resolve);
        server.listen(port, "127.0.0.1", resolve);
      }),
  ),
);
