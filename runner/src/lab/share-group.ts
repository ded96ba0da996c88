/**
 * Kafka share groups (KIP-932, "queues for Kafka") from a lab. kafkajs does not speak them, so `shareConsumers`
 * starts real Java share consumers (KafkaShareConsumer from the Kafka 4 client) inside the run, in one JVM, and
 * returns what each of them was handed. The Java side is runner/kafka/lab/dev/offset/lab/ShareConsumers.java.
 * Only runs of a lesson that declares `needs.java` (lesson 18) have Java.
 */
import { displayName, javaStartError, jsonObject, sessionName, startLabJava } from "./java.ts";

export interface ShareConsumersOptions {
  /** The share group, a full name from `groupId()` (a name without this session's prefix is given it). */
  group: string;
  /** The topic, a full name from `topic()` or `freshTopic()` (a name without this session's prefix is given it). */
  topic: string;
  /** Share consumers in the group, each on its own thread (default 2, at most 8). */
  consumers?: number;
  /** Stop once this many records are settled (accepted or rejected). Without it, run until `timeoutMs`. */
  records?: number;
  /** Stop after this long in any case, and return what was delivered by then (default 15000). */
  timeoutMs?: number;
  /** Records a consumer takes at a time (max.poll.records, strictly; default 1, like a prefetch of 1). */
  perPoll?: number;
  /** Pretend each record takes this long to process (default 0). */
  workMs?: number;
  /** Release the first delivery of a record whose value matches: the group offers it again, deliveryCount 2. */
  release?: RegExp | string;
  /** Reject a record whose value matches: it is archived and never delivered again. */
  reject?: RegExp | string;
  /** Where a new share group starts: "earliest" (default), "latest" (Kafka's default), or "keep" the group's setting. */
  from?: "earliest" | "latest" | "keep";
}

/** How a consumer acknowledged one delivery. */
export type ShareAck = "accept" | "release" | "reject";

/** One delivery of one record to one share consumer. */
export interface ShareDelivery {
  /** Which consumer got it, 1 to `consumers`. */
  consumer: number;
  /** The topic, without the session prefix. */
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** 1 for the first delivery of the record, 2 once it was released and offered again, … */
  deliveryCount: number;
  ack: ShareAck;
}

/** What the Java side prints, one JSON object per line. */
export type ShareLine =
  | { kind: "delivery"; delivery: ShareDelivery }
  | { kind: "done"; reason: "records" | "timeout"; settled: number; deliveries: number; ms: number }
  | { kind: "error"; error: string };

const DEFAULT_TIMEOUT_MS = 15_000;
/** Longer than the JVM needs to give up by itself (its own Kafka timeouts), so only a stuck JVM is killed. */
const GRACE_MS = 30_000;

/**
 * Starts `consumers` Java share consumers in share group `group` on `topic`, waits until `records` records are
 * settled or `timeoutMs` has passed, and returns every delivery in the order the consumers reported them.
 * Every record is accepted unless it matches `release` (first delivery only) or `reject`. Before the consumers
 * join, the group's share.auto.offset.reset is set to `from` (earliest, unless told otherwise), so records
 * produced before the call are delivered too.
 *
 * ```ts
 * const jobs = await freshTopic("jobs", { partitions: 1 });
 * // … produce job-0 … job-5 …
 * const deliveries = await shareConsumers({ group: groupId("workers"), topic: jobs, consumers: 2, records: 6, release: /job-3/ });
 * for (const d of deliveries) console.log(`consumer ${d.consumer} got ${d.value} (delivery ${d.deliveryCount}): ${d.ack}`);
 * ```
 */
export async function shareConsumers(options: ShareConsumersOptions): Promise<ShareDelivery[]> {
  const args = shareConsumerArgs(options, sessionName);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const deliveries: ShareDelivery[] = [];
  const errors: string[] = [];
  let done: Extract<ShareLine, { kind: "done" }> | undefined;
  const { child, stderrTail } = startLabJava(
    "ShareConsumers",
    args,
    (line) => {
      const parsed = parseShareLine(line);
      if (parsed?.kind === "delivery") deliveries.push({ ...parsed.delivery, topic: displayName(parsed.delivery.topic) });
      else if (parsed?.kind === "done") done = parsed;
      else if (parsed?.kind === "error") errors.push(parsed.error);
    },
    { helper: "shareConsumers", lesson: "lesson 18" },
  );
  const stuck = setTimeout(() => child.kill("SIGKILL"), timeoutMs + GRACE_MS);
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => reject(javaStartError(error)));
    child.once("close", (code, signal) => resolve({ code, signal }));
  }).finally(() => clearTimeout(stuck));
  if (errors.length) throw new Error(`The share consumers failed: ${errors.join("; ")}`);
  if (!done) {
    const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
    const tail = stderrTail();
    throw new Error(`The share consumers' JVM ${how} before it finished${tail ? `:\n${tail}` : "."}`);
  }
  return deliveries;
}

/** The Java tool's arguments for `options`; `fullName` turns a learner's name into the session's. */
export function shareConsumerArgs(options: ShareConsumersOptions, fullName: (name: string) => string = (name) => name): string[] {
  const count = options.consumers ?? 2;
  if (!Number.isInteger(count) || count < 1 || count > 8)
    throw new RangeError("shareConsumers: consumers must be a whole number from 1 to 8");
  const whole = (name: string, value: number | undefined, min: number) => {
    if (value === undefined) return [];
    if (!Number.isInteger(value) || value < min) throw new RangeError(`shareConsumers: ${name} must be a whole number, at least ${min}`);
    return [`--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(value)];
  };
  return [
    "--group",
    fullName(options.group),
    "--topic",
    fullName(options.topic),
    "--consumers",
    String(count),
    ...whole("records", options.records, 1),
    "--timeout-ms",
    String(options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    ...whole("perPoll", options.perPoll, 1),
    ...whole("workMs", options.workMs, 0),
    ...(options.release !== undefined ? ["--release", javaRegex(options.release)] : []),
    ...(options.reject !== undefined ? ["--reject", javaRegex(options.reject)] : []),
    ...(options.from ? ["--reset", options.from] : []),
  ];
}

/** One line of the Java tool's output, or undefined for a line that is not one of its JSON objects. */
export function parseShareLine(line: string): ShareLine | undefined {
  const o = jsonObject(line);
  if (!o) return undefined;
  if (typeof o.error === "string") return { kind: "error", error: o.error };
  if (o.done === true) {
    return {
      kind: "done",
      reason: o.reason === "records" ? "records" : "timeout",
      settled: Number(o.settled),
      deliveries: Number(o.deliveries),
      ms: Number(o.ms),
    };
  }
  const text = (v: unknown) => (typeof v === "string" ? v : null);
  if (typeof o.consumer === "number" && typeof o.topic === "string" && (o.ack === "accept" || o.ack === "release" || o.ack === "reject")) {
    const delivery: ShareDelivery = {
      consumer: o.consumer,
      topic: o.topic,
      partition: Number(o.partition),
      offset: Number(o.offset),
      key: text(o.key),
      value: text(o.value),
      deliveryCount: Number(o.deliveryCount),
      ack: o.ack,
    };
    return { kind: "delivery", delivery };
  }
  return undefined;
}

/** A JavaScript pattern as java.util.regex reads it; of the flags only `i` carries over (as `(?i)`). */
function javaRegex(pattern: RegExp | string): string {
  if (typeof pattern === "string") return pattern;
  return (pattern.flags.includes("i") ? "(?i)" : "") + pattern.source;
}
