/**
 * What the lab's Java helpers share (`shareConsumers`, `wordCount`): finding the Java the run was given, starting
 * one of the tools of runner/kafka/lab in a JVM sized for a run, reading its JSON lines, and the session's names.
 * Only runs of a lesson that declares `needs.java` have Java (LAB_JAVA, LAB_JAVA_CLASSPATH).
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable, Writable } from "node:stream";

export const env = typeof process === "object" ? process.env : {};

/** The JVM's own limits: a run holds Node and this JVM within its memory (RUN_MEMORY_MB) and process limits. */
export const JVM_FLAGS = [
  "-Xms16m",
  "-Xmx64m",
  "-XX:MaxMetaspaceSize=64m",
  "-XX:ReservedCodeCacheSize=16m",
  "-XX:+UseSerialGC",
  "-XX:TieredStopAtLevel=1",
  "-XX:ActiveProcessorCount=1",
  "-Xss512k",
  "-XX:-UsePerfData",
  "-XX:+ExitOnOutOfMemoryError",
];

export type LabJvm = ChildProcessByStdio<Writable | null, Readable, Readable>;

/**
 * Starts `dev.offset.lab.<tool>` with `args`, hands each line it prints to `onLine`, and keeps the end of its
 * stderr for `stderrTail`. `helper` and `lesson` name the lab function and the lesson whose runs have Java, for
 * the error a run without Java gets.
 */
export function startLabJava(
  tool: string,
  args: string[],
  onLine: (line: string) => void,
  { helper, lesson, stdin = false }: { helper: string; lesson: string; stdin?: boolean },
): { child: LabJvm; stderrTail: () => string } {
  const classpath = env.LAB_JAVA_CLASSPATH;
  if (!classpath) {
    throw new Error(
      env.LAB_JAVA_UNAVAILABLE
        ? `${helper} needs Java, and ${env.LAB_JAVA_UNAVAILABLE}.`
        : `${helper} needs Java, and only ${lesson}'s runs have it (their lesson declares needs.java): run this code from that lesson's page.`,
    );
  }
  const child = spawn(env.LAB_JAVA ?? "java", [...JVM_FLAGS, "-cp", classpath, `dev.offset.lab.${tool}`, ...args], {
    env: javaEnv(),
    stdio: [stdin ? "pipe" : "ignore", "pipe", "pipe"],
  }) as LabJvm;
  let pending = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  // Only the end is kept: it says why a JVM that failed did.
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return { child, stderrTail: () => stderrTail(stderr) };
}

/** The error for a JVM that could not be started at all. */
export function javaStartError(error: NodeJS.ErrnoException): Error {
  return new Error(`Java could not start (${env.LAB_JAVA ?? "java"}): ${error.code === "ENOENT" ? "not found" : error.message}`);
}

/** A line the tools print as a JSON object, or undefined for anything else. */
export function jsonObject(line: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The JVM's stderr without slf4j's notice that it has no logger binding (the tools report in JSON lines instead). */
export function stderrTail(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.trim() && !line.startsWith("SLF4J:"))
    .slice(-15)
    .join("\n");
}

/** The JVM gets the brokers and the session's login, and nothing else from the run's environment. */
function javaEnv(): Record<string, string> {
  const passed: Record<string, string> = { PATH: env.PATH ?? "/usr/bin:/bin" };
  for (const name of ["LAB_BROKERS", "LAB_SASL_USERNAME", "LAB_SASL_PASSWORD", "HOME", "TMPDIR"]) {
    const value = env[name];
    if (value !== undefined) passed[name] = value;
  }
  return passed;
}

function prefix(): string {
  return env.LAB_SESSION ? `${env.LAB_SESSION}.` : "";
}

/** `name` as this session's: unchanged when it already carries the session prefix. */
export function sessionName(name: string): string {
  return name.startsWith(prefix()) ? name : prefix() + name;
}

/** `name` without this session's prefix, as the page shows names. */
export function displayName(name: string): string {
  const p = prefix();
  return p && name.startsWith(p) ? name.slice(p.length) : name;
}

/** `text` with every mention of this session's prefix taken out. */
export function withoutPrefix(text: string): string {
  const p = prefix();
  return p ? text.split(p).join("") : text;
}
