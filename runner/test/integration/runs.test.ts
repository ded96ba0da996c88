/** Runs through the real runner against the real 3-node cluster (started by `npm test`). */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();

describe("POST /api/runs against the real cluster", () => {
  it("produces and consumes records, streaming output and where they landed", async () => {
    const code = `
      import { freshTopic, groupId, kafka } from "lab";
      const topic = await freshTopic("it-roundtrip", { partitions: 3 });
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: ["a", "b", "c"].map((value) => ({ key: value, value })) });
      await producer.disconnect();
      console.log("produced 3");
      const consumer = kafka.consumer({ groupId: groupId("it-roundtrip") });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      const seen: string[] = [];
      await new Promise<void>((resolve) => {
        void consumer.run({ eachMessage: async ({ message }) => { seen.push(String(message.value)); if (seen.length === 3) resolve(); } });
      });
      await consumer.disconnect();
      console.log("consumed " + seen.sort().join(","));
    `;
    const run = await collectRun(base, { code, lang: "ts" });
    expect(run.status).toBe(200);
    expect(run.events[0]?.event === "start" || run.events[0]?.event === "queue").toBe(true);
    expect(run.stdout).toContain("produced 3");
    expect(run.stdout).toContain("consumed a,b,c");
    const produced = run.events.filter((e) => e.event === "kafka" && e.data.type === "produced");
    expect(produced.length).toBeGreaterThanOrEqual(1);
    expect(run.end?.reason).toBe("ok");
    expect(run.end?.exitCode).toBe(0);
  }, 60_000);

  it("streams stdout before the run ends", async () => {
    const code = `console.log("first"); await new Promise((r) => setTimeout(r, 1500)); console.log("second");`;
    const response = await fetch(`${base}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, lang: "ts" }),
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    const started = Date.now();
    let text = "";
    let firstAt = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (!firstAt && text.includes("first")) firstAt = Date.now() - started;
    }
    const totalAt = Date.now() - started;
    expect(firstAt).toBeGreaterThan(0);
    expect(totalAt - firstAt).toBeGreaterThan(1000);
    expect(text).toContain("second");
  }, 30_000);

  it("reports a failing snippet as data, not as a server error", async () => {
    const run = await collectRun(base, { code: `throw new Error("boom on purpose")`, lang: "ts" });
    expect(run.status).toBe(200);
    expect(run.stderr).toContain("boom on purpose");
    expect(run.end?.reason).toBe("error");
    expect(run.end?.exitCode).not.toBe(0);
  }, 30_000);

  it("reports a syntax error with its position", async () => {
    const run = await collectRun(base, { code: `const = 1;`, lang: "ts" });
    expect(run.end?.reason).toBe("error");
    expect(run.stderr).toMatch(/snippet\.ts:1:\d+/);
  }, 30_000);
});
