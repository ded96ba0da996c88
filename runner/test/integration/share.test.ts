/**
 * Each learner's share of Kafka, enforced on the real classroom cluster: the brokers' topic policy refuses what
 * would take the cluster from everyone, the per-session quotas throttle a flood, the runner deletes what grew past
 * a limit after the fact, and every refusal reaches the learner in words that name the limit and its value.
 * `npm test` starts this course with LIMIT_SESSION_PARTITIONS=60 and LIMIT_SESSION_DISK_MB=64 so the budgets are
 * reached in seconds; every other limit is the classroom default.
 */
import { describe, expect, it } from "vitest";
import { collectRun, testServerUrl } from "../support/collect-run.ts";

const base = testServerUrl();
const session = (id: string) => ({ headers: { cookie: `offset_session=${id}` } });
const run = (code: string, who: { headers: Record<string, string> }) => collectRun(base, { lang: "ts", code }, who);

describe("the topic policy in the brokers", () => {
  const learner = session("5a1e00000000000a");

  it("refuses a 2,000-partition topic, unlimited retention and an oversized batch limit, saying which limit", async () => {
    const result = await run(
      `
      import { kafka, topic } from "lab";
      const admin = kafka.admin();
      await admin.connect();
      const attempts = {
        huge: { topic: topic("huge"), numPartitions: 2000, replicationFactor: 3 },
        forever: { topic: topic("forever"), numPartitions: 1, configEntries: [{ name: "retention.ms", value: "-1" }] },
        hoard: { topic: topic("hoard"), numPartitions: 1, configEntries: [{ name: "retention.bytes", value: "-1" }] },
        jumbo: { topic: topic("jumbo"), numPartitions: 1, configEntries: [{ name: "max.message.bytes", value: String(64 * 1024 * 1024) }] },
      };
      for (const [what, spec] of Object.entries(attempts)) {
        try {
          await admin.createTopics({ topics: [spec] });
          console.log(what + ": CREATED");
        } catch (error) {
          console.log(what + ": " + (error as Error).message);
        }
      }
      console.log("LISTED=" + (await admin.listTopics()).filter((t) => /huge|forever|hoard|jumbo/.test(t)).length);
      await admin.disconnect();
      `,
      learner,
    );
    expect(result.end?.reason, result.stderr).toBe("ok");
    expect(result.stdout).not.toMatch(/CREATED/);
    expect(result.stdout).toMatch(/huge: .*asks for 2000 partitions; this course allows at most 12 per topic \(LIMIT_TOPIC_PARTITIONS\)/);
    expect(result.stdout).toMatch(/forever: .*retention\.ms=-1.*LIMIT_RETENTION_MS/);
    expect(result.stdout).toMatch(/hoard: .*retention\.bytes=-1.*LIMIT_RETENTION_BYTES/);
    expect(result.stdout).toMatch(/jumbo: .*max\.message\.bytes=67108864.*LIMIT_MESSAGE_BYTES/);
    expect(result.stdout).toContain("LISTED=0");
  });

  it("refuses raising a topic's retention to forever afterwards (AlterConfigs)", async () => {
    const result = await run(
      `
      import { freshTopic, kafka } from "lab";
      const name = await freshTopic("keep", { partitions: 1 });
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name, configEntries: [{ name: "retention.ms", value: "-1" }] }] });
        console.log("ALTERED");
      } catch (error) {
        console.log("REFUSED " + (error as Error).message);
      }
      await admin.disconnect();
      `,
      learner,
    );
    expect(result.stdout).toMatch(/REFUSED .*retention\.ms=-1.*LIMIT_RETENTION_MS/);
  });

  it("caps the partitions all of one learner's topics hold", async () => {
    const result = await run(
      `
      import { kafka, topic } from "lab";
      const admin = kafka.admin();
      await admin.connect();
      const made = [];
      let refusal = "";
      for (let i = 0; i < 8 && !refusal; i++) {
        try {
          // No waiting for leaders: only the policy's answer matters here.
          await admin.createTopics({ topics: [{ topic: topic("wide-" + i), numPartitions: 12 }], waitForLeaders: false });
          made.push(topic("wide-" + i));
        } catch (error) {
          refusal = (error as Error).message;
        }
      }
      console.log("MADE=" + made.length);
      console.log("REFUSAL=" + refusal);
      await admin.deleteTopics({ topics: made });
      await admin.disconnect();
      `,
      session("5a1e00000000000b"),
    );
    expect(result.end?.reason, result.stderr).toBe("ok");
    expect(Number(/MADE=(\d+)/.exec(result.stdout)?.[1])).toBeLessThanOrEqual(5);
    expect(result.stdout).toMatch(/REFUSAL=.*each learner may hold at most 60 \(LIMIT_SESSION_PARTITIONS\)/);
  });
});

describe("after the fact", () => {
  it("a topic grown past the partition cap with CreatePartitions is deleted, and the learner is told", async () => {
    const who = session("5a1e00000000000c");
    const grow = await run(
      `
      import { freshTopic, kafka } from "lab";
      const name = await freshTopic("stretch", { partitions: 1 });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createPartitions({ topicPartitions: [{ topic: name, count: 30 }] });
      await admin.disconnect();
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      `,
      who,
    );
    expect(grow.stderr).toMatch(/\[offset\] Offset deleted your topic "stretch": it had 30 partitions, and each topic may have at most 12/);
  });
});

describe("quotas and the disk budget", () => {
  it("throttle a flood to the learner's share, say so, and delete its topic when it outgrows the budget", async () => {
    const result = await run(
      `
      import { freshTopic, kafka } from "lab";
      const name = await freshTopic("flood", { partitions: 3 });
      const producer = kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      const value = Buffer.alloc(100_000, 120);
      const started = Date.now();
      let bytes = 0;
      while (Date.now() - started < 15_000) {
        try {
          await producer.send({ topic: name, acks: 1, messages: Array.from({ length: 5 }, () => ({ value })) });
          bytes += 5 * value.length;
        } catch {
          break; // the topic is gone
        }
      }
      const seconds = (Date.now() - started) / 1000;
      console.log("RATE=" + (bytes / 1048576 / seconds).toFixed(2));
      await producer.disconnect();
      `,
      session("5a1e00000000000d"),
    );
    expect(result.end?.reason, result.stderr).toBe("ok");
    expect(result.stderr).toMatch(/\[offset\] Kafka is throttling this client .*produce 2\.0 MiB\/s.*QUOTA_PRODUCE_BYTES_PER_SEC/);
    // 2 MiB/s is the learner's whole share; Kafka lets the first second or two burst above it.
    expect(Number(/RATE=([\d.]+)/.exec(result.stdout)?.[1])).toBeLessThan(4);
    expect(result.stderr).toMatch(
      /\[offset\] Offset deleted your topic "flood": your topics used [\d.]+ MiB .* over the 64 MiB each learner may use \(LIMIT_SESSION_DISK_MB\)/,
    );
  }, 60_000);
});

describe("a new session's first run", () => {
  it("never meets a broker that has not heard of its permissions, even when several start at once", async () => {
    const fresh = Array.from({ length: 6 }, (_, i) => session(`f1e500000000000${i}`));
    const results = await Promise.all(
      fresh.map((who) =>
        run(
          `
          import { freshTopic, kafka } from "lab";
          const name = await freshTopic("first", { partitions: 3 });
          const producer = kafka.producer();
          await producer.connect();
          await producer.send({ topic: name, messages: [{ key: "k", value: "v" }] });
          await producer.disconnect();
          console.log("OK");
          `,
          who,
        ),
      ),
    );
    for (const result of results) {
      expect(result.stderr).not.toMatch(/AUTHORIZATION_FAILED|not authorized/i);
      expect(result.end?.reason, result.stderr).toBe("ok");
      expect(result.stdout).toContain("OK");
    }
  }, 90_000);
});
