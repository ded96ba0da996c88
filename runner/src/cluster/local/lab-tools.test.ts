import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SANDBOX_KAFKA_LIBS, SANDBOX_LAB_CLASSES, stageJava } from "../../sandbox/stage-tools.ts";
import { kafkaVersion } from "./jars.ts";
import { labJavaClasspath, labPomPath, linkedFolders, type LabJava } from "./lab-tools.ts";

const base = fs.mkdtempSync(path.join(os.tmpdir(), "offset-lab-java-test-"));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A JDK laid out the Debian way: its configuration files are links into a folder of their own. */
function fakeJdk(): { home: string; etc: string } {
  const root = fs.mkdtempSync(path.join(base, "jdk-"));
  const home = path.join(root, "jvm", "java-17");
  const etc = path.join(root, "etc", "java-17");
  fs.mkdirSync(path.join(home, "conf", "security"), { recursive: true });
  fs.mkdirSync(path.join(home, "lib"), { recursive: true });
  fs.mkdirSync(path.join(etc, "security"), { recursive: true });
  fs.mkdirSync(path.join(root, "certs"), { recursive: true });
  for (const file of ["net.properties", "security/java.security", "jvm.cfg"]) fs.writeFileSync(path.join(etc, file), "");
  fs.writeFileSync(path.join(root, "certs", "cacerts"), "");
  fs.symlinkSync(path.join(etc, "net.properties"), path.join(home, "conf", "net.properties"));
  fs.symlinkSync(path.join(etc, "security", "java.security"), path.join(home, "conf", "security", "java.security"));
  fs.symlinkSync(path.join(etc, "jvm.cfg"), path.join(home, "lib", "jvm.cfg"));
  fs.symlinkSync(path.join(root, "certs", "cacerts"), path.join(home, "lib", "cacerts"));
  // A link inside the JDK itself needs no mount.
  fs.writeFileSync(path.join(home, "lib", "modules"), "");
  fs.symlinkSync("modules", path.join(home, "lib", "modules-link"));
  return { home, etc };
}

function fakeLabJava(): LabJava {
  const { home } = fakeJdk();
  const libs = fs.mkdtempSync(path.join(base, "libs-"));
  const classes = path.join(fs.mkdtempSync(path.join(base, "tools-")), "classes");
  fs.mkdirSync(path.join(classes, "dev", "offset", "lab"), { recursive: true });
  fs.writeFileSync(path.join(classes, "dev", "offset", "lab", "ShareConsumers.class"), "cafebabe", { mode: 0o600 });
  for (const jar of ["kafka-clients-4.3.1.jar", "lz4-java-1.10.2.jar"]) fs.writeFileSync(path.join(libs, jar), jar, { mode: 0o644 });
  return {
    java: path.join(home, "bin", "java"),
    javaHome: home,
    javaLinks: linkedFolders(home),
    libs,
    clientJars: ["kafka-clients-4.3.1.jar", "lz4-java-1.10.2.jar"],
    classes,
  };
}

describe("Java for lab runs", () => {
  it("pins the lab's jars at the course cluster's Kafka version", () => {
    expect(kafkaVersion(labPomPath)).toBe(kafkaVersion());
  });

  it("finds the folders the JDK's links lead out to, topmost only", () => {
    const { home, etc } = fakeJdk();
    expect(linkedFolders(home)).toEqual([path.join(path.dirname(path.dirname(etc)), "certs"), etc]);
  });

  it("puts the tools' classes before the client jars on the class path", () => {
    const java = fakeLabJava();
    expect(labJavaClasspath(java, "/opt/kafka/libs", "/opt/offset-lab/classes")).toBe(
      "/opt/offset-lab/classes:/opt/kafka/libs/kafka-clients-4.3.1.jar:/opt/kafka/libs/lz4-java-1.10.2.jar",
    );
  });

  it("stages the jars and classes readable by all, and mounts the JDK's outside folders where it expects them", () => {
    const java = fakeLabJava();
    const folder = path.join(fs.mkdtempSync(path.join(base, "engine-")), "java");
    const mounts = stageJava(java, folder, false);
    expect(mounts.binds).toEqual([
      [path.join(folder, "libs"), SANDBOX_KAFKA_LIBS],
      [path.join(folder, "classes"), SANDBOX_LAB_CLASSES],
      [java.javaHome, java.javaHome],
      ...java.javaLinks.map((dir) => [dir, dir]),
    ]);
    expect(mounts.env).toEqual({
      LAB_JAVA: java.java,
      LAB_JAVA_CLASSPATH: `${SANDBOX_LAB_CLASSES}:${SANDBOX_KAFKA_LIBS}/kafka-clients-4.3.1.jar:${SANDBOX_KAFKA_LIBS}/lz4-java-1.10.2.jar`,
    });
    // Only the client jars, as hard links of the cached ones.
    expect(fs.readdirSync(path.join(folder, "libs")).sort()).toEqual(java.clientJars);
    expect(fs.statSync(path.join(folder, "libs", "kafka-clients-4.3.1.jar")).ino).toBe(
      fs.statSync(path.join(java.libs, "kafka-clients-4.3.1.jar")).ino,
    );
    const staged = path.join(folder, "classes", "dev", "offset", "lab", "ShareConsumers.class");
    expect(fs.statSync(staged).mode & 0o777).toBe(0o644);
    expect(fs.statSync(path.join(folder, "classes", "dev")).mode & 0o777).toBe(0o755);
  });
});
