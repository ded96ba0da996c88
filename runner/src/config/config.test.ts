import { describe, expect, it } from "vitest";
import { loadConfig } from "./index.ts";

describe("loadConfig", () => {
  it("has defaults a single learner can start with", () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4321);
    expect(config.KAFKA_MODE).toBe("auto");
    expect(config.RUNNER_ENGINE).toBe("auto");
    expect(config.COURSE_MODE).toBe("single");
    expect(config.faultInjection).toBe(true);
  });

  it("turns fault injection off by default in classroom mode", () => {
    expect(loadConfig({ COURSE_MODE: "classroom" }).faultInjection).toBe(false);
    expect(loadConfig({ COURSE_MODE: "classroom", FAULT_INJECTION: "on" }).faultInjection).toBe(true);
  });

  it("names every variable to fix", () => {
    expect(() => loadConfig({ PORT: "http", RUNNER_ENGINE: "vm" })).toThrow(/PORT[\s\S]*RUNNER_ENGINE/);
  });

  it("requires KAFKA_BROKERS for an external cluster", () => {
    expect(() => loadConfig({ KAFKA_MODE: "external" })).toThrow(/KAFKA_BROKERS/);
    expect(loadConfig({ KAFKA_MODE: "external", KAFKA_BROKERS: "k1:9092" }).KAFKA_BROKERS).toBe("k1:9092");
  });
});

describe("limits", () => {
  it("holds classroom learners to a share and leaves a single learner unthrottled", () => {
    const classroom = loadConfig({ COURSE_MODE: "classroom" }).limits;
    expect(classroom.topicPartitions).toBe(12);
    expect(classroom.produceBytesPerSec).toBeGreaterThan(0);
    expect(classroom.sessionDiskMb).toBeGreaterThan(0);
    const single = loadConfig({}).limits;
    expect(single.produceBytesPerSec).toBe(0);
    expect(single.topicPartitions).toBeGreaterThan(classroom.topicPartitions);
  });

  it("lets every limit be set, and refuses a 0 where 0 cannot mean 'off'", () => {
    expect(loadConfig({ COURSE_MODE: "classroom", LIMIT_TOPIC_PARTITIONS: "6" }).limits.topicPartitions).toBe(6);
    expect(loadConfig({ QUOTA_PRODUCE_BYTES_PER_SEC: "1000" }).limits.produceBytesPerSec).toBe(1000);
    expect(() => loadConfig({ LIMIT_TOPIC_PARTITIONS: "0" })).toThrow(/LIMIT_TOPIC_PARTITIONS cannot be 0/);
    expect(() => loadConfig({ LIMIT_RETENTION_MS: "-5" })).toThrow(/LIMIT_RETENTION_MS/);
  });
});

describe("origins", () => {
  it("reads ALLOWED_ORIGINS and PUBLIC_URL, and says how to write a bad one", () => {
    const config = loadConfig({ ALLOWED_ORIGINS: "https://a.example, http://b.example:8080", PUBLIC_URL: "https://kafka.example" });
    expect(config.ALLOWED_ORIGINS).toEqual(["https://a.example", "http://b.example:8080"]);
    expect(config.PUBLIC_URL).toBe("https://kafka.example");
    expect(() => loadConfig({ ALLOWED_ORIGINS: "https://a.example/course" })).toThrow(/not an origin/);
    expect(() => loadConfig({ PUBLIC_URL: "kafka.example" })).toThrow(/PUBLIC_URL/);
  });
});
