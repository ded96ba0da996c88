import { describe, expect, it } from "vitest";
import { parseJavaMajor } from "./jars.ts";
import { clientPort, controllerPort, nodeProperties } from "./properties.ts";

describe("local node properties", () => {
  it("makes three combined KRaft voters with RF 3 and min ISR 2", () => {
    const props = nodeProperties(2, "/data/node2");
    expect(props).toContain("process.roles=broker,controller");
    expect(props).toContain("node.id=2");
    expect(props).toContain("controller.quorum.voters=1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194");
    expect(props).toContain("advertised.listeners=PLAINTEXT://127.0.0.1:19093");
    expect(props).toContain("default.replication.factor=3");
    expect(props).toContain("min.insync.replicas=2");
    expect(props).toContain("log.dirs=/data/node2");
    expect(props).toContain("advertised.listeners=PLAINTEXT://127.0.0.1:19093,LEARNER://127.0.0.1:19293");
    expect(props).toContain("super.users=User:ANONYMOUS");
  });

  it("moves every port with KAFKA_PORT", () => {
    expect(clientPort(1, 29092)).toBe(29092);
    expect(clientPort(3, 29092)).toBe(29094);
    expect(controllerPort(3, 29092)).toBe(29194);
    expect(nodeProperties(1, "/d", 29092)).toContain("listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29192");
  });
});

describe("parseJavaMajor", () => {
  it("reads modern and legacy version strings", () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('java version "1.8.0_392"')).toBe(8);
    expect(parseJavaMajor("nonsense")).toBeUndefined();
  });
});
