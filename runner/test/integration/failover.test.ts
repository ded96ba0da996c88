/**
 * Fault injection on the real cluster: with broker 2 stopped, an acks=all producer still writes to an RF 3 /
 * min.insync.replicas 2 topic; health shows the broker down, then up again after start.
 */
import { afterAll, describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
// One browser session for the run and the view: in classroom mode the view shows a session only its own topics.
const session = { headers: { cookie: "offset_session=fa11fa11fa11fa11" } };

async function health(): Promise<{ cluster: { brokers: { id: number; up: boolean }[] } }> {
  return (await fetch(`${base}/api/health`)).json() as never;
}

async function broker(id: number, action: "stop" | "start"): Promise<void> {
  const response = await fetch(`${base}/api/cluster/brokers/${id}/${action}`, { method: "POST" });
  expect(response.status, await response.clone().text()).toBe(200);
}

describe("a broker stops mid-course", () => {
  afterAll(async () => {
    await fetch(`${base}/api/cluster/brokers/2/start`, { method: "POST" });
  }, 120_000);

  it("keeps acks=all writes going with one broker down, and brings it back", async () => {
    const before = await health();
    expect(before.cluster.brokers.every((b) => b.up)).toBe(true);

    await broker(2, "stop");
    const during = await health();
    expect(during.cluster.brokers.find((b) => b.id === 2)?.up).toBe(false);

    const code = `
      import { freshTopic, kafka } from "lab";
      const topic = await freshTopic("it-failover", { partitions: 3, configs: { "min.insync.replicas": "2" } });
      const producer = kafka.producer();
      await producer.connect();
      const results = await producer.send({ topic, acks: -1, messages: Array.from({ length: 6 }, (_, i) => ({ key: "k" + i, value: "v" + i })) });
      await producer.disconnect();
      console.log("acknowledged " + results.length + " batches with acks=all");
    `;
    const run = await collectRun(base, { code, lang: "ts" }, session);
    expect(run.stderr).not.toMatch(/NotEnoughReplicas/);
    expect(run.stdout, run.stderr).toMatch(/acknowledged \d+ batches with acks=all/);
    expect(run.end?.reason).toBe("ok");

    // A stopped broker's port refuses connections, so a client that lists it first moves on to the next one at
    // once (kafkajs rotates its seed broker on a connection error, not on a connection the server closed).
    const seedFirst = await collectRun(
      base,
      {
        lang: "ts",
        code: `
          import net from "node:net";
          import { Kafka } from "kafkajs";
          import { brokers, labConfig } from "lab";
          const stopped = brokers[1];
          const [host, port] = stopped.split(":");
          const error = await new Promise((resolve) => {
            const socket = net.connect({ host, port: Number(port) });
            socket.resume().on("error", (e) => resolve(e.code)).on("close", () => resolve("closed"));
          });
          console.log("raw connection to the stopped broker: " + error);
          const admin = new Kafka({ ...labConfig, brokers: [stopped, ...brokers.filter((b) => b !== stopped)] }).admin();
          const started = Date.now();
          await admin.connect();
          await admin.listTopics();
          await admin.disconnect();
          console.log("connected past the stopped broker in " + (Date.now() - started) + " ms");
        `,
      },
      session,
    );
    expect(seedFirst.stdout, seedFirst.stderr).toMatch(/raw connection to the stopped broker: ECONNRESET/);
    const past = /connected past the stopped broker in (\d+) ms/.exec(seedFirst.stdout);
    expect(past, seedFirst.stderr).not.toBeNull();
    // Retrying the same seed (the failure this guards against) takes 12 s or more before giving up.
    expect(Number(past![1])).toBeLessThan(8000);

    const view = (await (await fetch(`${base}/api/cluster`, session)).json()) as {
      topics: { name: string; partitions: { leader: number; isr: number[] }[] }[];
    };
    const topic = view.topics.find((t) => t.name.endsWith("it-failover"));
    expect(topic).toBeDefined();
    for (const p of topic!.partitions) expect(p.leader).not.toBe(2);

    await broker(2, "start");
    const after = await health();
    expect(after.cluster.brokers.find((b) => b.id === 2)?.up).toBe(true);
  }, 180_000);
});
