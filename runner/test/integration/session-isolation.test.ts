/**
 * Classroom isolation on the real cluster: two browser sessions (two cookies) run snippets; the second cannot
 * see, read or write the first one's topic, even when it knows the full name, and cannot bypass the learner
 * listener by dialling a broker's plaintext port. (npm test runs the course in classroom mode.)
 */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const kafkaPort = Number(process.env.OFFSET_TEST_KAFKA_PORT ?? 24092);
const cookie = (id: string) => ({ headers: { cookie: `offset_session=${id}` } });
const alice = cookie("a11ce0000000a11c");
const mallory = cookie("ba5e00000000ba5e");

describe("another session's topics", () => {
  it("are invisible and unreadable, even by full name", async () => {
    const owner = await collectRun(
      base,
      {
        lang: "ts",
        code: `
          import { freshTopic, kafka } from "lab";
          const name = await freshTopic("diary", { partitions: 1 });
          const producer = kafka.producer();
          await producer.connect();
          await producer.send({ topic: name, messages: [{ value: "alice's secret" }] });
          await producer.disconnect();
          console.log("TOPIC=" + name);
        `,
      },
      alice,
    );
    expect(owner.end?.reason, owner.stderr).toBe("ok");
    const secretTopic = /TOPIC=(\S+)/.exec(owner.stdout)?.[1];
    expect(secretTopic).toMatch(/^s-[0-9a-f]{12}\.diary$/);

    const intruder = await collectRun(
      base,
      {
        lang: "ts",
        code: `
          import { Kafka, logLevel } from "kafkajs";
          import { kafka, labConfig, groupId } from "lab";
          const target = ${JSON.stringify(secretTopic)};
          const admin = kafka.admin();
          await admin.connect();
          const listed = await admin.listTopics();
          console.log("LISTED=" + listed.includes(target));
          await admin.disconnect();

          const consumer = kafka.consumer({ groupId: groupId("snoop") });
          await consumer.connect();
          try {
            await consumer.subscribe({ topic: target, fromBeginning: true });
            let got = "";
            await Promise.race([
              new Promise<void>((resolve) => void consumer.run({ eachMessage: async ({ message }) => { got = String(message.value); resolve(); } })),
              new Promise((resolve) => setTimeout(resolve, 4000)),
            ]);
            console.log("READ=" + (got || "nothing"));
          } catch (error) {
            console.log("READ=denied " + (error as Error).name);
          }
          await consumer.disconnect().catch(() => {});

          const producer = kafka.producer();
          await producer.connect();
          try {
            await producer.send({ topic: target, messages: [{ value: "graffiti" }] });
            console.log("WRITE=allowed");
          } catch (error) {
            console.log("WRITE=denied " + (error as Error).name);
          }
          await producer.disconnect();

          // Skip the learner listener: dial a broker's plaintext port (where the runner is a super user).
          const direct = new Kafka({ clientId: "bypass", brokers: ["127.0.0.1:${kafkaPort}"], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } });
          const bypass = direct.admin();
          try {
            await bypass.connect();
            console.log("BYPASS=connected " + (await bypass.listTopics()).includes(target));
          } catch (error) {
            console.log("BYPASS=refused " + (error as Error).name);
          }
          void labConfig;
        `,
      },
      mallory,
    );
    expect(intruder.end?.reason, intruder.stderr).toBe("ok");
    expect(intruder.stdout).toContain("LISTED=false");
    expect(intruder.stdout).not.toMatch(/READ=alice's secret/);
    expect(intruder.stdout).toMatch(/READ=(denied|nothing)/);
    expect(intruder.stdout).toMatch(/WRITE=denied/);
    expect(intruder.stdout).toMatch(/BYPASS=refused/);

    const view = (await (await fetch(`${base}/api/cluster`, mallory)).json()) as { topics: { name: string }[] };
    expect(view.topics.map((t) => t.name)).not.toContain(secretTopic);
  }, 90_000);
});
