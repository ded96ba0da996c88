import { describe, expect, it } from "vitest";
import { LEARNER_AUTH_CLASS } from "../../cluster/local/properties.ts";
import { ZK_CHROOT, brokerProperties, log4jProperties, zookeeperProperties } from "./properties.ts";

/** Parses rendered properties into a map (every line is key=value). */
function parse(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of text.trimEnd().split("\n")) {
    const at = line.indexOf("=");
    expect(at, line).toBeGreaterThan(0);
    expect(map.has(line.slice(0, at)), `duplicate ${line}`).toBe(false);
    map.set(line.slice(0, at), line.slice(at + 1));
  }
  return map;
}

const broker = (id: 1 | 2 | 3, secret = "s3cret") =>
  parse(
    brokerProperties(id, {
      zookeeperPort: 26300,
      port: 26300 + id,
      learnerPort: 26303 + id,
      dataDir: `/run/data/broker-${id}`,
      learnerSecret: secret,
    }),
  );

describe("ZooKeeper properties", () => {
  it("binds loopback only, without the AdminServer, and answers ruok", () => {
    const zk = parse(zookeeperProperties({ port: 26300, dataDir: "/run/data/zookeeper" }));
    expect(zk.get("clientPort")).toBe("26300");
    expect(zk.get("clientPortAddress")).toBe("127.0.0.1");
    expect(zk.get("dataDir")).toBe("/run/data/zookeeper");
    expect(zk.get("admin.enableServer")).toBe("false");
    expect(zk.get("4lw.commands.whitelist")?.split(",")).toEqual(expect.arrayContaining(["ruok", "srvr", "stat"]));
    // The brokers' session timeout must lie within the 2 to 20 ticks ZooKeeper grants.
    const tick = Number(zk.get("tickTime"));
    const session = Number(broker(1).get("zookeeper.session.timeout.ms"));
    expect(session).toBeGreaterThanOrEqual(2 * tick);
    expect(session).toBeLessThanOrEqual(20 * tick);
  });
});

describe("ZooKeeper-mode broker properties", () => {
  it("registers broker N under the chroot, with its own data folder", () => {
    const props = broker(2);
    expect(ZK_CHROOT).toBe("/kafka39");
    expect(props.get("broker.id")).toBe("2");
    expect(props.get("zookeeper.connect")).toBe("127.0.0.1:26300/kafka39");
    expect(props.get("log.dirs")).toBe("/run/data/broker-2");
    expect(props.has("process.roles")).toBe(false);
    expect(props.has("node.id")).toBe(false);
  });

  it("has the runner's plaintext listener and the learners' SASL listener, both on loopback", () => {
    const props = broker(3);
    expect(props.get("listeners")).toBe("PLAINTEXT://127.0.0.1:26303,LEARNER://127.0.0.1:26306");
    expect(props.get("advertised.listeners")).toBe("PLAINTEXT://127.0.0.1:26303,LEARNER://127.0.0.1:26306");
    expect(props.get("inter.broker.listener.name")).toBe("PLAINTEXT");
    expect(props.get("listener.security.protocol.map")).toBe("PLAINTEXT:PLAINTEXT,LEARNER:SASL_PLAINTEXT");
    expect(props.get("super.users")).toBe("User:ANONYMOUS");
  });

  it("checks learner logins with the course's handler and secret, and authorizes with ZooKeeper ACLs", () => {
    const props = broker(1, "abc123");
    expect(props.get("listener.name.learner.sasl.enabled.mechanisms")).toBe("PLAIN");
    expect(props.get("listener.name.learner.plain.sasl.server.callback.handler.class")).toBe(LEARNER_AUTH_CLASS);
    expect(props.get("listener.name.learner.plain.sasl.jaas.config")).toBe(
      'org.apache.kafka.common.security.plain.PlainLoginModule required secret="abc123";',
    );
    expect(props.get("authorizer.class.name")).toBe("kafka.security.authorizer.AclAuthorizer");
    expect(props.get("allow.everyone.if.no.acl.found")).toBe("false");
  });

  it("refuses a secret that would break the JAAS line", () => {
    for (const bad of ["", 'a"b', "a\\b", "a\nb"]) expect(() => broker(1, bad)).toThrow(/secret/);
  });

  it("teaches durability with RF 3 and two in-sync replicas, and shows ISR changes within a lesson", () => {
    const props = broker(1);
    expect(props.get("default.replication.factor")).toBe("3");
    expect(props.get("offsets.topic.replication.factor")).toBe("3");
    expect(props.get("transaction.state.log.replication.factor")).toBe("3");
    expect(props.get("min.insync.replicas")).toBe("2");
    expect(props.get("transaction.state.log.min.isr")).toBe("2");
    expect(props.get("num.partitions")).toBe("3");
    expect(props.get("group.initial.rebalance.delay.ms")).toBe("0");
    expect(props.get("replica.lag.time.max.ms")).toBe("10000");
  });

  it("hands over quickly when a broker (or the controller) stops", () => {
    const props = broker(1);
    expect(Number(props.get("zookeeper.session.timeout.ms"))).toBeLessThanOrEqual(10_000);
    expect(props.get("controlled.shutdown.enable")).toBe("true");
    expect(Number(props.get("controlled.shutdown.max.retries"))).toBeLessThanOrEqual(1);
    expect(Number(props.get("controlled.shutdown.retry.backoff.ms"))).toBeLessThanOrEqual(1000);
  });

  it("keeps thread pools small", () => {
    const props = broker(1);
    for (const key of ["num.network.threads", "num.io.threads", "num.replica.fetchers", "background.threads"]) {
      expect(Number(props.get(key)), key).toBeLessThanOrEqual(2);
    }
  });
});

describe("log4j 1 configuration", () => {
  it("logs warnings, and the lines that say a broker started or who is controller", () => {
    const log4j = parse(log4jProperties);
    expect(log4j.get("log4j.rootLogger")).toBe("WARN, stdout");
    expect(log4j.get("log4j.appender.stdout")).toBe("org.apache.log4j.ConsoleAppender");
    expect(log4j.get("log4j.logger.kafka.server.KafkaServer")).toBe("INFO");
    expect(log4j.get("log4j.logger.kafka.controller.KafkaController")).toBe("INFO");
  });
});
