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
          let answered = false;
          outbound.once("data", () => (answered = true));
          const drop = () => {
            // The snippet's connection was accepted here before the host half tried the target. If the target
            // closed without a byte (a stopped broker refuses at once), reset instead of a clean close: the
            // client then sees a connection error, as it would against the refused port itself, and not a
            // server that hung up (kafkajs retries those on the same broker instead of moving to the next).
            if (inbound.destroyed || inbound.writableEnded) {
              // The snippet closed its end, or the close is under way: nothing is left to do here.
            } else if (!answered) inbound.resetAndDestroy();
            // What the target sent last is delivered before the connection closes.
            else inbound.end(() => inbound.destroy());
            outbound.destroy();
          };
          inbound.on("error", drop).on("close", drop);
          outbound.on("error", drop).on("close", drop);
          // The target's end is passed on by drop, so that a close before any answer can become a reset.
          outbound.on("end", drop);
          inbound.pipe(outbound);
          outbound.pipe(inbound, { end: false });
        });
        server.unref();
        // A port the snippet took first just stays unbridged; the run reports the service as unreachable.
        server.once("error", resolve);
        server.listen(port, "127.0.0.1", resolve);
      }),
  ),
);
