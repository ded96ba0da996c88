/**
 * The source notes the course was researched from contain errors (see the curriculum), and the lesson-accuracy
 * review found more in earlier versions of the course. None of them may appear in the course as a claim. A lesson may quote one to correct it: a match is allowed only when the same paragraph
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
  // Errors the lesson-accuracy review found in earlier versions of the course itself, corrected since.
  {
    claim: "the high watermark is the log end offset (the offset the next record gets)",
    pattern:
      /high\s+watermark[^.]{0,20}\b(is|equals|=)\s+(the\s+)?(log\s+end\s+offset|(offset|position)\s+(that\s+)?the\s+next\s+(record|message)\s+(will\s+)?(gets?|takes?))/i,
  },
  {
    claim: "kafkajs stops a consumer for good when eachMessage throws a plain Error",
    pattern: /plain\s+`?Error`?[^.]{0,80}\b(crash(es)?|stops?)\b(?![^.]{0,60}restart)/i,
  },
  { claim: "kafkajs retries a SyntaxError", pattern: /(SyntaxError|JSON\.parse)[^.]{0,60}kafkajs\s+(retries|restarts)/i },
  {
    claim: "fromBeginning applies only when nothing is committed",
    pattern: /fromBeginning[^.]{0,60}\bonly\b[^.]{0,40}\b(nothing|no\s+offsets?)\s+((is|are|has\s+been|have\s+been)\s+)?committed/i,
  },
  {
    claim: "resetOffsets moves a group to the beginning or end",
    pattern: /resetOffsets\(\)`?[^.]{0,30}\bfor\s+the\s+(beginning|start|end)/i,
  },
  {
    claim: "min.insync.replicas has no effect on acks=0 or acks=1 writes",
    pattern: /(no\s+effect\s+on|does\s+not\s+affect|doesn't\s+affect)\s+`?acks=0`?\s+(or|and)\s+`?acks=1`?/i,
  },
  { claim: "a failover never duplicates records in the log", pattern: /(never|not)\s+(lost\s+or\s+)?duplicated\s+in\s+the\s+log/i },
  {
    claim: "brokers keep serving throughout a controller stop (on combined nodes)",
    pattern: /brokers\s+keep\s+serving\s+(produce|fetch)[^.]{0,80}throughout/i,
  },
  {
    claim: "clients never talk to controllers",
    pattern: /\bclients\s+never\s+(talk|connect)\s+to\s+(the\s+)?controllers?/i,
    unless: /KIP-919|bootstrap[.-]controllers?|admin/i,
  },
  {
    claim: "kafkajs predates KRaft",
    pattern: /kafkajs[^\n]{0,40}?(predates|was\s+written\s+before|came\s+before|is\s+older\s+than)\s+KRaft/i,
  },
  {
    claim: "DescribeCluster's controller field is the active controller",
    pattern: /active\s+controller\s+(is\s+)?\$\{[^}]*\.controller\}|\(the\s+active\s+controller'?s?\s+node\s+id\)/i,
  },
  {
    claim: "exactly_once_v2 does what the kafkajs read-process-write loop does by hand",
    pattern:
      /does\s+what\s+the\s+(kafkajs\s+)?(snippet|code|program)\s+(above\s+)?did\s+by\s+hand|kafkajs[^.\n]{0,60}\b(supports?|implements?|gives?|provides?|offers?)\b[^.\n]{0,40}(exactly_once_v2|KIP-447|group\s+fencing)/i,
  },
  { claim: "SCRAM over plaintext is an alternative to TLS", pattern: /(TLS|SASL_SSL)`?\)?,?\s+or\s+(you\s+)?(use\s+)?SCRAM\b/i },
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
      "The high watermark is the log end offset.",
      "The high watermark is the offset the next record will get.",
      "With a plain Error the consumer crashes and stays stopped.",
      "A SyntaxError from JSON.parse: kafkajs retries it.",
      "fromBeginning applies only when nothing is committed for the group.",
      "fromBeginning matters only when the group has no offsets committed.",
      "Use admin.resetOffsets() for the beginning of the topic.",
      "min.insync.replicas has no effect on acks=0 or acks=1 writes.",
      "Redelivered records are never duplicated in the log.",
      "The brokers keep serving produce and fetch requests throughout.",
      "Clients never talk to controllers.",
      "kafkajs predates KRaft.",
      "The active controller is ${cluster.controller}.",
      "Use TLS, or use SCRAM over plaintext.",
      "exactly_once_v2 does what the snippet above did by hand.",
    ];
    for (const sample of samples)
      expect(
        errors.some((e) => e.pattern.test(sample)),
        sample,
      ).toBe(true);
    expect(errors.some((e) => e.pattern.test("processing.guarantee=exactly_once_v2"))).toBe(false);
  });
});
