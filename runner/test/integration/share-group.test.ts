/**
 * Kafka share groups through the runner: a run of lesson 18 (which declares needs.java) starts two Java share
 * consumers with lab.shareConsumers against the real cluster, as its session, and a run of another lesson is
 * told it cannot.
 */
import { describe, expect, it } from "vitest";
import type { ShareDelivery } from "../../src/lab/share-group.ts";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();

const shareRun = `
  import { freshTopic, groupId, kafka, shareConsumers } from "lab";
  const jobs = await freshTopic("it-share-jobs", { partitions: 1 });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: jobs, messages: Array.from({ length: 6 }, (_, i) => ({ key: "k" + i, value: "job-" + i })) });
  await producer.disconnect();
  const group = groupId("it-share-workers");
  const deliveries = await shareConsumers({ group, topic: jobs, consumers: 2, records: 6, workMs: 200, release: /^job-3$/, reject: "^job-5$" });
  console.log("DELIVERIES " + JSON.stringify(deliveries));
  // Every record is settled now: the group has nothing left to hand out, not even the rejected one.
  const again = await shareConsumers({ group, topic: jobs, consumers: 1, timeoutMs: 4000, from: "keep" });
  console.log("AGAIN " + JSON.stringify(again));
`;

function line(stdout: string, label: string): ShareDelivery[] {
  const found = stdout.split("\n").find((l) => l.startsWith(`${label} `));
  if (!found) throw new Error(`no ${label} line in the run's output:\n${stdout}`);
  return JSON.parse(found.slice(label.length + 1)) as ShareDelivery[];
}

describe("lab.shareConsumers", () => {
  it("shares one partition's records between two Java share consumers, with a release redelivered and a reject not", async () => {
    const run = await collectRun(base, { code: shareRun, lang: "ts", lesson: "kafka-vs-rabbitmq" });
    expect(run.status).toBe(200);
    expect(run.end?.reason, `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe("ok");
    const deliveries = line(run.stdout, "DELIVERIES");
    const values = Array.from({ length: 6 }, (_, i) => `job-${i}`);

    // Every record reached a consumer and was settled, and only job-3 twice.
    for (const value of values) {
      const settled = deliveries.filter((d) => d.value === value && d.ack !== "release");
      expect(settled, value).toHaveLength(1);
    }
    expect(deliveries).toHaveLength(7);
    expect(new Set(deliveries.map((d) => d.consumer))).toEqual(new Set([1, 2]));
    expect(deliveries.every((d) => d.topic === "it-share-jobs" && d.partition === 0)).toBe(true);

    const job3 = deliveries.filter((d) => d.value === "job-3").map((d) => [d.deliveryCount, d.ack]);
    expect(job3).toEqual([
      [1, "release"],
      [2, "accept"],
    ]);
    expect(deliveries.filter((d) => d.value === "job-5").map((d) => [d.deliveryCount, d.ack])).toEqual([[1, "reject"]]);
    expect(deliveries.filter((d) => d.value !== "job-3").every((d) => d.deliveryCount === 1)).toBe(true);
    expect(deliveries.find((d) => d.value === "job-0")?.key).toBe("k0");

    expect(line(run.stdout, "AGAIN")).toEqual([]);
  }, 120_000);

  it("refuses, with the reason, in a run of a lesson that does not declare Java", async () => {
    const code = `
      import { groupId, shareConsumers, topic } from "lab";
      await shareConsumers({ group: groupId("it-share-elsewhere"), topic: topic("it-share-jobs") });
    `;
    const run = await collectRun(base, { code, lang: "ts", lesson: "consumers" });
    expect(run.status).toBe(200);
    expect(run.end?.reason).toBe("error");
    expect(run.stderr).toContain("shareConsumers needs Java, and only lesson 18's runs have it");
  }, 60_000);
});
