import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaVersion } from "./jars.ts";
import { CLI_TOOLS, cliPomPath, launcherScript, writeCliScripts } from "./kafka-cli.ts";

/** A stand-in for the JDK's launcher that prints the arguments it was given, one per line. */
const FAKE_JAVA =
  '#!/bin/bash\nfor a in "$@"; do echo "$a"; done\nif [ -n "$SHOW_CONFIG" ]; then for a in "$@"; do case $a in *.properties) [ -f "$a" ] && cat "$a" ;; esac; done; fi\n';

describe("the Kafka CLI scripts", () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-cli-test-"));
    writeCliScripts(path.join(dir, "bin"), path.join(dir, "config"));
    fs.mkdirSync(path.join(dir, "libs"));
    for (const jar of ["b.jar", "a.jar"]) fs.writeFileSync(path.join(dir, "libs", jar), "");
    fs.writeFileSync(path.join(dir, "java"), FAKE_JAVA, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "login.properties"), "security.protocol=SASL_PLAINTEXT\n");
    env = {
      PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
      LAB_JAVA: path.join(dir, "java"),
      LAB_KAFKA_CLI_LIBS: path.join(dir, "libs"),
      LAB_KAFKA_CLI_CONFIG: path.join(dir, "config"),
      TMPDIR: dir,
    };
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (script: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync(path.join(dir, "bin", script), args, { env: { ...env, ...extra }, encoding: "utf8" })
      .trim()
      .split("\n");

  it("pins the course cluster's Kafka version", () => {
    expect(/<kafka\.version>([^<]+)</.exec(fs.readFileSync(cliPomPath, "utf8"))?.[1]).toBe(kafkaVersion());
  });

  it("writes one script per tool, each starting its tool's class", () => {
    for (const tool of CLI_TOOLS) expect(fs.statSync(path.join(dir, "bin", tool.script)).mode & 0o111).toBeTruthy();
    const args = run("kafka-topics.sh", ["--version"]);
    expect(args).toContain("org.apache.kafka.tools.TopicCommand");
    expect(args.at(-1)).toBe("--version");
    // The jars one by one, sorted: the class path a class-data archive was made with.
    expect(args[args.indexOf("-cp") + 1]).toBe(`${dir}/libs/a.jar:${dir}/libs/b.jar`);
    expect(args).toContain("-Xmx128m");
  });

  it("adds the session's login only for a tool that talks to a broker and has no configuration of its own", () => {
    const login = { LAB_CLIENT_CONFIG: path.join(dir, "login.properties") };
    const list = run("kafka-topics.sh", ["--bootstrap-server", "127.0.0.1:1", "--list"], login);
    expect(list.slice(list.indexOf("org.apache.kafka.tools.TopicCommand") + 1)).toEqual([
      "--command-config",
      login.LAB_CLIENT_CONFIG,
      "--bootstrap-server",
      "127.0.0.1:1",
      "--list",
    ]);
    // Before a sub-command, where argparse-based tools look for it.
    const quorum = run("kafka-metadata-quorum.sh", ["--bootstrap-server=127.0.0.1:1", "describe", "--status"], login);
    expect(quorum.slice(quorum.indexOf("org.apache.kafka.tools.MetadataQuorumCommand") + 1)[0]).toBe("--command-config");
    expect(run("kafka-topics.sh", ["--bootstrap-server", "x:1", "--command-config", "mine.properties", "--list"], login)).not.toContain(
      login.LAB_CLIENT_CONFIG,
    );
    expect(run("kafka-topics.sh", ["--help"], login)).not.toContain("--command-config");
    expect(run("kafka-storage.sh", ["random-uuid"], login)).not.toContain("--command-config");
    // A single learner has no login: nothing is added.
    expect(run("kafka-topics.sh", ["--bootstrap-server", "x:1", "--list"], { LAB_CLIENT_CONFIG: path.join(dir, "none") })).not.toContain(
      "--command-config",
    );
  });

  it("names a console consumer's made-up group under the session's prefix, and leaves a named group alone", () => {
    const login = { LAB_CLIENT_CONFIG: path.join(dir, "login.properties"), LAB_PREFIX: "s-1.", SHOW_CONFIG: "1" };
    const made = run("kafka-console-consumer.sh", ["--bootstrap-server", "x:1", "--topic", "s-1.t"], login);
    expect(made).toContain("security.protocol=SASL_PLAINTEXT");
    expect(made.find((line) => line.startsWith("group.id="))).toMatch(/^group\.id=s-1\.console-consumer-\d+$/);
    const share = run("kafka-console-share-consumer.sh", ["--bootstrap-server", "x:1", "--topic", "s-1.t"], login);
    expect(share).toContain("group.id=s-1.console-share-consumer");
    const named = run("kafka-console-consumer.sh", ["--bootstrap-server", "x:1", "--topic", "s-1.t", "--group", "s-1.mine"], login);
    expect(named.some((line) => line.startsWith("group.id="))).toBe(false);
    expect(named).toContain(login.LAB_CLIENT_CONFIG);
  });

  it("says so when the run has no Java", () => {
    expect(() =>
      execFileSync(path.join(dir, "bin", "kafka-topics.sh"), ["--list"], { env: { ...env, LAB_JAVA: "" }, stdio: "pipe" }),
    ).toThrow(/this run has no Java/);
    expect(launcherScript()).toContain(`Kafka ${kafkaVersion()}`);
  });
});
