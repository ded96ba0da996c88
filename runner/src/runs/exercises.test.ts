import { describe, expect, it } from "vitest";
import { exerciseCheckSource, lessonNeeds, lessonServices } from "./exercises.ts";

describe("what the runner reads from the lessons", () => {
  it("knows which lessons reach which companion services, and that no other lesson reaches any", () => {
    expect(lessonServices("kraft")).toEqual(["zk-kafka"]);
    expect(lessonServices("kafka-vs-rabbitmq")).toEqual(["rabbitmq"]);
    expect(lessonNeeds("kraft").faultInjection).toBe(true);
    for (const lesson of ["your-first-event", "consumer-groups", "failover-drill", "no-such-lesson", "..", ""]) {
      expect(lessonServices(lesson), lesson).toEqual([]);
    }
  });

  it("finds an exercise's check by its run id and nothing for a malformed one", async () => {
    expect(await exerciseCheckSource("kraft/quorum-report")).toContain("describeQuorum");
    expect(await exerciseCheckSource("../../etc/passwd")).toBeUndefined();
    expect(await exerciseCheckSource("kraft/no-such-exercise")).toBeUndefined();
  });
});
