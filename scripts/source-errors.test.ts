/**
 * The source notes the course was researched from contain errors (see the curriculum). None of them may appear
 * in the course as a claim. A lesson may quote one to correct it: a match is allowed only when the same paragraph
 * says it is wrong.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { lessonsRoot } from "./course-coverage.ts";

const errors: { claim: string; pattern: RegExp; unless?: RegExp }[] = [
  { claim: "a Kafka client is a cluster", pattern: /\bclients?\b[^.\n]{0,40}\b(is|are|forms?) (a|the) (kafka )?cluster/i },
  {
    claim: "producers deliver without acknowledgement (by default)",
    pattern: /producers? (deliver|send)s? (messages )?without (any )?acknowledge?ments?/i,
  },
  {
    claim: "followers copy from other followers",
    pattern: /\bfollowers? (copies|copy|fetch(es)?|replicates?) from (another|other|a) follower/i,
  },
  { claim: "ZooKeeper enforces quotas", pattern: /zookeeper[^.\n]{0,40}enforces? quotas/i },
  { claim: "Apache Kafka is maintained by Confluent", pattern: /(apache )?kafka is (maintained|owned|run) by confluent/i },
  { claim: "KRaft is not production ready", pattern: /kraft (is|was) not (yet )?production[- ]ready/i },
  { claim: "tiered storage is not in Apache Kafka", pattern: /tiered storage (is|was) (not|n't) (in|part of|available in) apache kafka/i },
  { claim: "processing.guarantee=exactly.once", pattern: /processing\.guarantee\s*[=:]\s*["']?exactly\.once(?!_v2)\b/i },
  {
    claim: "RabbitMQ is exactly-once with publisher confirms",
    pattern: /rabbitmq[^.\n]{0,60}exactly[- ]once[^.\n]{0,40}publisher confirms/i,
  },
  {
    claim: "consumers cannot scale beyond the partition count (without exception)",
    pattern: /consumers? (can ?not|can't|cannot) scale beyond (the )?(number of )?partitions?( count)?/i,
    unless: /share groups?/i,
  },
];

/** Words that, in the same paragraph, show the claim is quoted to be corrected. */
const correction = /\b(wrong|incorrect|not true|myth|misconception|outdated|no longer|mistaken|false)\b/i;

function courseFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? courseFiles(p) : /\.(mdx|ts)$/.test(e.name) ? [p] : [];
  });
}

describe("source-note errors", () => {
  const files = courseFiles(lessonsRoot);

  it("scans the course", () => {
    expect(files.length).toBeGreaterThan(20);
  });

  for (const { claim, pattern, unless } of errors) {
    it(`never claims: ${claim}`, () => {
      const offenders: string[] = [];
      for (const file of files) {
        for (const paragraph of fs.readFileSync(file, "utf8").split(/\n\s*\n/)) {
          if (pattern.test(paragraph) && !correction.test(paragraph) && !unless?.test(paragraph))
            offenders.push(`${path.relative(lessonsRoot, file)}: ${paragraph.trim().slice(0, 160)}`);
        }
      }
      expect(offenders).toEqual([]);
    });
  }

  it("catches the claims it is meant to catch", () => {
    const samples = [
      "A Kafka client is a cluster of brokers.",
      "Apache Kafka is maintained by Confluent.",
      "KRaft is not production ready in 3.x.",
      "processing.guarantee=exactly.once",
      "ZooKeeper also enforces quotas.",
      "Consumers cannot scale beyond the number of partitions.",
      "Consumers cannot scale beyond the partition count.",
    ];
    for (const sample of samples)
      expect(
        errors.some((e) => e.pattern.test(sample)),
        sample,
      ).toBe(true);
    expect(errors.some((e) => e.pattern.test("processing.guarantee=exactly_once_v2"))).toBe(false);
  });
});
