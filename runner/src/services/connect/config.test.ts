import { describe, expect, it } from "vitest";
import { CONNECT_MAIN, connectTopics, jailArgs, jvmArgs, layout, log4j2Properties, workerProperties, type Jail } from "./config.ts";

const files = layout("/srv/offset/services-32100/connect");

const properties = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );

describe("workerProperties", () => {
  it("runs a distributed worker on the given brokers with three replicated internal topics and quiet JSON", () => {
    const p = properties(
      workerProperties({
        bootstrap: ["127.0.0.1:19092", "127.0.0.1:19093", "127.0.0.1:19094"],
        restPort: 32120,
        pluginPath: "/cache/plugins",
      }),
    );
    expect(p).toMatchObject({
      "bootstrap.servers": "127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094",
      "group.id": "offset-connect",
      "config.storage.topic": "__offset-connect-configs",
      "offset.storage.topic": "__offset-connect-offsets",
      "status.storage.topic": "__offset-connect-status",
      "config.storage.replication.factor": "3",
      "offset.storage.replication.factor": "3",
      "status.storage.replication.factor": "3",
      "key.converter": "org.apache.kafka.connect.json.JsonConverter",
      "value.converter": "org.apache.kafka.connect.json.JsonConverter",
      "key.converter.schemas.enable": "false",
      "value.converter.schemas.enable": "false",
      "offset.flush.interval.ms": "1000",
      listeners: "http://127.0.0.1:32120",
      "plugin.path": "/cache/plugins",
      "plugin.discovery": "service_load",
      "connector.client.config.override.policy": "All",
    });
  });

  it("names its group and topics after `group`, and can scan plugins the slow way", () => {
    const p = properties(workerProperties({ bootstrap: ["b:1"], restPort: 1, pluginPath: "/p", group: "it-x", serviceLoad: false }));
    expect(p["group.id"]).toBe("it-x");
    expect(p["offset.storage.topic"]).toBe(connectTopics("it-x").offsets);
    expect(p["plugin.discovery"]).toBeUndefined();
  });

  it("keeps the log at WARN with the plugin scanner and FileStream's waiting quiet", () => {
    expect(log4j2Properties).toContain("rootLogger.level = WARN");
    expect(log4j2Properties).toMatch(/logger\.reflections\.name = org\.reflections\nlogger\.reflections\.level = ERROR/);
    expect(log4j2Properties).toMatch(/logger\.file\.name = org\.apache\.kafka\.connect\.file\nlogger\.file\.level = ERROR/);
  });
});

describe("the JVM command", () => {
  const command = { java: "/usr/lib/jvm/java-17/bin/java", libs: "/cache/libs", files };

  it("is a small serial-GC heap, log4j2 from the run folder, the class path and ConnectDistributed with its properties", () => {
    const args = jvmArgs(command);
    expect(args).toEqual(expect.arrayContaining(["-Xmx192m", "-XX:+UseSerialGC", `-Dlog4j2.configurationFile=${files.log4jProperties}`]));
    expect(args.slice(-4)).toEqual(["-cp", "/cache/libs/*", CONNECT_MAIN, files.workerProperties]);
  });

  it("runs in a jail that sees only /usr, the JDK, the jars, the configuration and the session folders, without capabilities", () => {
    const jail: Jail = {
      bwrap: "/usr/bin/bwrap",
      usrLinks: [{ name: "lib", link: "usr/lib" }, { name: "sbin" }],
      javaHome: "/usr/lib/jvm/java-17",
      javaLinks: ["/etc/java-17-openjdk"],
      plugins: "/cache/plugins",
      unprivileged: false,
    };
    const args = jailArgs(jail, command);
    const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [`${args[i + 1]} ${args[i + 2]}`] : []));
    expect(args[0]).toBe("/usr/bin/bwrap");
    expect(pairs("--ro-bind")).toEqual([
      "/usr /usr",
      "/sbin /sbin",
      "/etc/java-17-openjdk /etc/java-17-openjdk",
      "/cache/libs /cache/libs",
      "/cache/plugins /cache/plugins",
      `${files.confDir} ${files.confDir}`,
    ]);
    expect(pairs("--bind")).toEqual([`${files.filesRoot} /connect-files`]);
    expect(pairs("--symlink")).toEqual(["usr/lib /lib"]);
    // /tmp is a fresh tmpfs made before the binds, so a run folder under /tmp is bound on top of it.
    expect(args.indexOf("--tmpfs")).toBeLessThan(args.indexOf("--ro-bind"));
    expect(args).toEqual(expect.arrayContaining(["--cap-drop", "ALL"]));
    expect(args).not.toContain("--unshare-net");
    expect(args).not.toContain("--unshare-user");
    expect(args.slice(args.indexOf("--") + 1)).toEqual([command.java, ...jvmArgs(command)]);
    expect(jailArgs({ ...jail, unprivileged: true }, command)).toContain("--unshare-user");
    expect(jailArgs(jail, { ...command, java: "/opt/jdk/bin/java" }).join(" ")).toContain(
      "--ro-bind /usr/lib/jvm/java-17 /usr/lib/jvm/java-17",
    );
  });
});
