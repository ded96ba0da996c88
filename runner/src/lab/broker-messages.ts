/**
 * Makes Kafka's own explanations reach the learner. kafkajs 2.2.4 decodes the error message a broker sends with
 * a refused CreateTopics, CreatePartitions or AlterConfigs request, then throws only the generic text of the
 * error code ("Request parameters do not satisfy the configured policy"). On this course that message is the
 * interesting part: the course's topic policy says which limit was hit and its value. This module adds it to the
 * error kafkajs throws, and prints one line when the brokers throttle the run because of a quota.
 *
 * kafkajs loads each versioned response module lazily and the later versions reuse version 0's `parse`, so
 * patching version 0 once, when `lab` loads (before any request), covers every version.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface Parser {
  parse: (data: Record<string, unknown>) => Promise<unknown>;
  __offsetMessages?: true;
}

type Failure = Error & { errors?: (Error & { topic?: string })[] };
type Entry = { errorCode: number; errorMessage?: string | null };

/** Wraps one response module's parse so thrown errors carry the broker's message for the failed entries. */
function explain(module: string, entries: (data: Record<string, unknown>) => (Entry & { name?: string })[]): void {
  let parser: Parser;
  try {
    parser = require(module) as Parser;
  } catch {
    return; // another kafkajs layout: keep stock behaviour
  }
  if (parser.__offsetMessages) return;
  const strict = parser.parse;
  parser.parse = async (data) => {
    noteThrottle(data);
    try {
      return await strict(data);
    } catch (error) {
      const failed = entries(data).filter((e) => e.errorCode !== 0 && e.errorMessage);
      const failure = error as Failure;
      if (failed.length && failure instanceof Error) {
        const byName = new Map(failed.map((e) => [e.name, e.errorMessage!]));
        for (const inner of failure.errors ?? []) {
          const message = byName.get(inner.topic) ?? failed[0]!.errorMessage;
          if (message && !inner.message.includes(message)) inner.message = `${inner.message}: ${message}`;
        }
        const messages = [...new Set(failed.map((e) => e.errorMessage!))].join(" ");
        if (!failure.message.includes(messages)) failure.message = `${failure.message}: ${messages}`;
      }
      throw error;
    }
  };
  parser.__offsetMessages = true;
}

interface Limits {
  produceBytesPerSec?: number;
  fetchBytesPerSec?: number;
  requestPercentage?: number;
  controllerMutationsPerSec?: number;
}

function limits(): Limits {
  try {
    return JSON.parse(process.env.LAB_LIMITS ?? "{}") as Limits;
  } catch {
    return {};
  }
}

const rate = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MiB/s`;
let throttleNoted = false;
let mutationNoted = false;

/** The learner-facing line for a throttled request, or undefined when this course sets no such quota. */
export function throttleNotice(ms: number, kind: "data" | "mutation", l: Limits = limits()): string | undefined {
  if (kind === "mutation") {
    if (!l.controllerMutationsPerSec) return undefined;
    return `[offset] Kafka delayed this request ${ms} ms: each learner may create or delete ${l.controllerMutationsPerSec} partitions per second on this course (QUOTA_CONTROLLER_MUTATIONS_PER_SEC).`;
  }
  const shares = [
    l.produceBytesPerSec ? `produce ${rate(l.produceBytesPerSec)}` : "",
    l.fetchBytesPerSec ? `fetch ${rate(l.fetchBytesPerSec)}` : "",
    l.requestPercentage ? `use ${l.requestPercentage}% of one broker thread` : "",
  ].filter(Boolean);
  if (!shares.length) return undefined;
  return `[offset] Kafka is throttling this client (${ms} ms): each learner may ${shares.join(", ")} on this course (QUOTA_PRODUCE_BYTES_PER_SEC, QUOTA_FETCH_BYTES_PER_SEC, QUOTA_REQUEST_PERCENTAGE). The run goes on at that pace.`;
}

function noteThrottle(data: Record<string, unknown>): void {
  const ms = typeof data.throttleTime === "number" ? data.throttleTime : 0;
  if (ms <= 0 || mutationNoted) return;
  const line = throttleNotice(ms, "mutation");
  if (line) {
    mutationNoted = true;
    process.stderr.write(`${line}\n`);
  }
}

/** kafkajs pauses a connection when a broker asks it to (KIP-219); say once per run why it is slow. */
function watchClientThrottling(): void {
  let RequestQueue: { prototype: { maybeThrottle: (this: unknown, ms: number | null) => void; __offset?: true } };
  try {
    RequestQueue = require("kafkajs/src/network/requestQueue/index.js") as typeof RequestQueue;
  } catch {
    return;
  }
  const proto = RequestQueue.prototype;
  if (proto.__offset) return;
  const original = proto.maybeThrottle;
  proto.maybeThrottle = function (this: unknown, ms: number | null) {
    if (ms && ms > 0 && !throttleNoted) {
      const line = throttleNotice(ms, "data");
      if (line) {
        throttleNoted = true;
        process.stderr.write(`${line}\n`);
      }
    }
    original.call(this, ms);
  };
  proto.__offset = true;
}

type TopicErrors = { topicErrors: { topic: string; errorCode: number; errorMessage?: string | null }[] };
type Resources = { resources: { resourceName: string; errorCode: number; errorMessage?: string | null }[] };

explain("kafkajs/src/protocol/requests/createTopics/v0/response.js", (d) =>
  (d as unknown as TopicErrors).topicErrors.map((t) => ({ ...t, name: t.topic })),
);
explain("kafkajs/src/protocol/requests/createPartitions/v0/response.js", (d) =>
  (d as unknown as TopicErrors).topicErrors.map((t) => ({ ...t, name: t.topic })),
);
explain("kafkajs/src/protocol/requests/alterConfigs/v0/response.js", (d) =>
  (d as unknown as Resources).resources.map((r) => ({ ...r, name: r.resourceName })),
);
watchClientThrottling();
