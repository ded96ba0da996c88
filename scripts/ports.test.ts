import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { bindError, describeTaken, kafkaPorts, portHolders, takenPorts } from "./ports.ts";

const open: net.Server[] = [];

/** Listens on a random port of `host` and returns it. */
async function listen(host: string): Promise<number> {
  const server = net.createServer();
  open.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port: 0, host }, resolve);
  });
  return (server.address() as net.AddressInfo).port;
}

async function closeAll(): Promise<void> {
  await Promise.all(open.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
}

afterEach(closeAll);

describe("port preflight", () => {
  it("reports a port this process listens on as taken, by this process", async () => {
    const port = await listen("127.0.0.1");
    expect(await bindError(port)).toBe("EADDRINUSE");
    const holders = portHolders(port);
    expect(holders.map((h) => h.pid)).toContain(process.pid);
    const self = holders.find((h) => h.pid === process.pid);
    expect(self?.listening).toBe(true);
    expect(self?.command).toContain("node");

    const taken = await takenPorts([{ port, role: "the test's socket" }]);
    expect(taken).toHaveLength(1);
    expect(taken[0]).toMatchObject({ port, code: "EADDRINUSE" });
    expect(taken[0]!.holders.map((h) => h.pid)).toContain(process.pid);
    const message = describeTaken(taken, "npm test", "OFFSET_TEST_PORT");
    expect(message).toContain(`port ${port} (the test's socket) is in use`);
    expect(message).toContain(`pid ${process.pid}: `);
    expect(message).toContain("set OFFSET_TEST_PORT");
  });

  it("sees a listener on the wildcard address, which also blocks 127.0.0.1", async () => {
    const port = await listen("0.0.0.0");
    const taken = await takenPorts([{ port, role: "wildcard" }]);
    expect(taken[0]?.holders.map((h) => h.pid)).toContain(process.pid);
  });

  it("lets a port pass when every holder is allowed", async () => {
    const port = await listen("127.0.0.1");
    expect(await takenPorts([{ port, role: "ours" }], (h) => h.pid === process.pid)).toEqual([]);
  });

  it("reports a free port as free", async () => {
    const port = await listen("127.0.0.1");
    await closeAll();
    expect(await bindError(port)).toBeUndefined();
    expect(portHolders(port).filter((h) => h.listening)).toEqual([]);
    expect(await takenPorts([{ port, role: "closed again" }])).toEqual([]);
  });

  it("says so when the holder cannot be identified", () => {
    const message = describeTaken([{ port: 4399, role: "the course", code: "EADDRINUSE", holders: [] }], "npm test", "OFFSET_TEST_PORT");
    expect(message).toContain("port 4399 (the course) is in use");
    expect(message).toContain("could not be identified");
    expect(message).toContain("Stop whatever holds it, or set OFFSET_TEST_PORT");
  });

  it("lists the client, controller, learner and TLS ports of the three brokers", () => {
    expect(kafkaPorts(24092).map((p) => p.port)).toEqual([
      24092, 24192, 24292, 24392, 24093, 24193, 24293, 24393, 24094, 24194, 24294, 24394,
    ]);
  });
});
