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
