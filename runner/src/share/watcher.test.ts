import { describe, expect, it } from "vitest";
import { ShareWatcher, overLimits, usageBySession } from "./watcher.ts";

const MIB = 1024 * 1024;
const sessionOf = (topic: string) => /^(s-[0-9a-f]{12})[.]/.exec(topic)?.[1];
const A = "s-aaaaaaaaaaaa";
const B = "s-bbbbbbbbbbbb";

describe("usageBySession", () => {
  it("sums every replica of a session's topics and counts distinct partitions", () => {
    const usage = usageBySession(
      [
        { topic: `${A}.orders`, partition: 0, bytes: 10 },
        { topic: `${A}.orders`, partition: 0, bytes: 10 }, // a follower's replica on another broker
        { topic: `${A}.orders`, partition: 1, bytes: 5 },
        { topic: `${B}.orders`, partition: 0, bytes: 7 },
        { topic: "__consumer_offsets", partition: 0, bytes: 99 },
      ],
      sessionOf,
    );
    expect(usage.get(A)).toEqual([{ topic: `${A}.orders`, bytes: 25, partitions: 2 }]);
    expect(usage.get(B)).toEqual([{ topic: `${B}.orders`, bytes: 7, partitions: 1 }]);
    expect(usage.size).toBe(2);
  });
});

describe("overLimits", () => {
  const shown = (t: string) => `"${t.split(".")[1]}"`;
  it("deletes a topic grown past the partition cap, whatever its size", () => {
    const doomed = overLimits([{ topic: `${A}.wide`, bytes: 0, partitions: 40 }], { topicPartitions: 12, sessionDiskMb: 0 }, shown);
    expect(doomed).toHaveLength(1);
    expect(doomed[0]!.reason).toMatch(/40 partitions.*at most 12.*LIMIT_TOPIC_PARTITIONS/);
  });

  it("deletes the largest topics until the session is back under its disk budget", () => {
    const doomed = overLimits(
      [
        { topic: `${A}.small`, bytes: 50 * MIB, partitions: 1 },
        { topic: `${A}.big`, bytes: 280 * MIB, partitions: 3 },
        { topic: `${A}.mid`, bytes: 100 * MIB, partitions: 3 },
      ],
      { topicPartitions: 12, sessionDiskMb: 300 },
      shown,
    );
    expect(doomed.map((d) => d.topic)).toEqual([`${A}.big`]);
    expect(doomed[0]!.reason).toMatch(/430\.0 MiB.*300 MiB.*LIMIT_SESSION_DISK_MB.*"big"/);
  });

  it("leaves a session within its limits alone, and a 0 budget means none", () => {
    const uses = [{ topic: `${A}.t`, bytes: 5000 * MIB, partitions: 3 }];
    expect(overLimits(uses, { topicPartitions: 12, sessionDiskMb: 0 }, shown)).toEqual([]);
    expect(overLimits(uses, { topicPartitions: 12, sessionDiskMb: 6000 }, shown)).toEqual([]);
  });
});

describe("ShareWatcher.sweep", () => {
  it("deletes what is over and tells only that session, in words", async () => {
    const deleted: string[][] = [];
    const notices: [string, string][] = [];
    const watcher = new ShareWatcher({
      bootstrap: () => [],
      limits: { topicPartitions: 12, sessionDiskMb: 1 },
      sessionOf,
      deleteTopics: (topics) => {
        deleted.push(topics);
        return Promise.resolve();
      },
      notify: (prefix, text) => notices.push([prefix, text]),
      sizes: () =>
        Promise.resolve([
          { topic: `${A}.flood`, partition: 0, bytes: 3 * MIB },
          { topic: `${B}.quiet`, partition: 0, bytes: 1000 },
        ]),
    });
    expect(await watcher.sweep()).toEqual([`${A}.flood`]);
    expect(deleted).toEqual([[`${A}.flood`]]);
    expect(notices).toHaveLength(1);
    expect(notices[0]![0]).toBe(A);
    expect(notices[0]![1]).toMatch(/^Offset deleted your topic "flood": your topics used 3\.0 MiB/);
  });
});
