import { describe, expect, it } from "vitest";
import { parseShareLine, shareConsumerArgs } from "./share-group.ts";

describe("shareConsumerArgs", () => {
  const full = (name: string) => `s-0123456789ab.${name}`;

  it("passes the session's names and only the options given", () => {
    expect(shareConsumerArgs({ group: "workers", topic: "jobs" }, full)).toEqual([
      "--group",
      "s-0123456789ab.workers",
      "--topic",
      "s-0123456789ab.jobs",
      "--consumers",
      "2",
      "--timeout-ms",
      "15000",
    ]);
  });

  it("spells every option as the Java tool reads it, regular expressions included", () => {
    const args = shareConsumerArgs({
      group: "g",
      topic: "t",
      consumers: 3,
      records: 6,
      timeoutMs: 9000,
      perPoll: 2,
      workMs: 0,
      release: /^job-3$/i,
      reject: "job-5",
      from: "latest",
    });
    expect(args).toEqual([
      ...["--group", "g", "--topic", "t", "--consumers", "3", "--records", "6", "--timeout-ms", "9000"],
      ...["--per-poll", "2", "--work-ms", "0", "--release", "(?i)^job-3$", "--reject", "job-5", "--reset", "latest"],
    ]);
  });

  it("refuses counts the tool would refuse, before starting a JVM", () => {
    expect(() => shareConsumerArgs({ group: "g", topic: "t", consumers: 0 })).toThrow(/consumers must be a whole number from 1 to 8/);
    expect(() => shareConsumerArgs({ group: "g", topic: "t", consumers: 2.5 })).toThrow(RangeError);
    expect(() => shareConsumerArgs({ group: "g", topic: "t", records: 0 })).toThrow(/records must be a whole number, at least 1/);
    expect(() => shareConsumerArgs({ group: "g", topic: "t", workMs: -1 })).toThrow(/workMs/);
  });
});

describe("parseShareLine", () => {
  it("reads a delivery", () => {
    const line = '{"consumer":2,"topic":"s-x.jobs","partition":0,"offset":3,"key":null,"value":"job-3","deliveryCount":2,"ack":"accept"}';
    expect(parseShareLine(line)).toEqual({
      kind: "delivery",
      delivery: { consumer: 2, topic: "s-x.jobs", partition: 0, offset: 3, key: null, value: "job-3", deliveryCount: 2, ack: "accept" },
    });
  });

  it("reads the final line and errors", () => {
    expect(parseShareLine('{"done":true,"reason":"records","settled":6,"deliveries":7,"ms":6400}')).toEqual({
      kind: "done",
      reason: "records",
      settled: 6,
      deliveries: 7,
      ms: 6400,
    });
    expect(parseShareLine('{"error":"consumer 1: GroupAuthorizationException"}')).toEqual({
      kind: "error",
      error: "consumer 1: GroupAuthorizationException",
    });
  });

  it("ignores anything else", () => {
    expect(parseShareLine("SLF4J: Defaulting to no-operation (NOP) logger implementation")).toBeUndefined();
    expect(parseShareLine("[1,2]")).toBeUndefined();
    expect(parseShareLine('{"consumer":1,"topic":"t","ack":"maybe"}')).toBeUndefined();
    expect(parseShareLine("")).toBeUndefined();
  });
});
