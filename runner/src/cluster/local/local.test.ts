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
    expect(nodeProperties(1, "/d", { base: 29092 })).toContain("listeners=PLAINTEXT://127.0.0.1:29092,CONTROLLER://127.0.0.1:29192");
  });
});

describe("the TLS listener", () => {
  it("is SASL_SSL on 300 above the client port, advertised by the certificate's name, with SCRAM and the session login", () => {
    const props = nodeProperties(2, "/d", { base: 29092, learnerSecret: "k", tls: { keystore: "/tls/broker.p12", password: "pw" } });
    expect(props).toMatch(/^listeners=.*,SECURE:\/\/127\.0\.0\.1:29393$/m);
    expect(props).toMatch(/^advertised\.listeners=.*,SECURE:\/\/localhost:29393$/m);
    expect(props).toMatch(/^listener\.security\.protocol\.map=.*,SECURE:SASL_SSL$/m);
    expect(props).toContain("listener.name.secure.sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256,PLAIN");
    expect(props).toContain("listener.name.secure.ssl.keystore.location=/tls/broker.p12");
    expect(props).toContain("listener.name.secure.plain.sasl.server.callback.handler.class=dev.offset.kafka.SessionPlainCallbackHandler");
    // No TLS listener means no anonymous way in: every mechanism on it authenticates someone.
    expect(props).not.toMatch(/SECURE:SSL\b/);
  });

  it("is absent without a keystore", () => {
    expect(nodeProperties(1, "/d")).not.toContain("SECURE");
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

describe("the course's topic policy", () => {
  it("is installed on every node with the limits, and counts sessions through the plaintext listeners", () => {
    const props = nodeProperties(1, "/d", {
      base: 29092,
      limits: { topicPartitions: 12, sessionPartitions: 160, replicationFactor: 3, retentionMs: 1, retentionBytes: 2, messageBytes: 3 },
    });
    expect(props).toContain("create.topic.policy.class.name=dev.offset.kafka.CoursePolicy");
    expect(props).toContain("alter.config.policy.class.name=dev.offset.kafka.CoursePolicy");
    expect(props).toContain("offset.policy.topic.partitions.max=12");
    expect(props).toContain("offset.policy.session.partitions.max=160");
    expect(props).toContain("offset.policy.bootstrap=127.0.0.1:29092,127.0.0.1:29093,127.0.0.1:29094");
    // No backslash: server.properties would eat it.
    expect(props).toContain("offset.policy.session.pattern=^(s-[0-9a-f]{12})[.]");
  });

  it("is absent when no limits are given", () => {
    expect(nodeProperties(1, "/d")).not.toContain("policy");
  });
});
