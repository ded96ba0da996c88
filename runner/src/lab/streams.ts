/**
 * Kafka Streams from a lab. Streams is a Java library, so `wordCount` starts a real Streams application inside
 * the run, in a JVM of its own: the topology of Kafka's WordCountDemo on topics the learner names, with
 * exactly_once_v2 and an in-memory store backed by its changelog topic. It returns a handle to watch it (its
 * state, internal topics, tasks, restores and transactions) and to stop it. The Java side is
 * runner/kafka/lab/dev/offset/lab/WordCount.java. Only runs of a lesson that declares `needs.java` (lesson 13)
 * have Java.
 */
import type { Writable } from "node:stream";
import { displayName, javaStartError, jsonObject, sessionName, startLabJava, withoutPrefix, type LabJvm } from "./java.ts";

export interface WordCountOptions {
  /** The topic of text lines, a full name from `topic()` or `freshTopic()` (a name without this session's prefix is given it). */
  input: string;
  /** The topic the counts go to (String keys, 8-byte big-endian Long values), named like `input`. */
  output: string;
  /** The application.id: the consumer group, and the prefix of the internal topics and transactional ids. */
  applicationId: string;
  /** How often each task commits its transaction (commit.interval.ms; default 100, Streams' default under exactly_once_v2). */
  commitIntervalMs?: number;
  /**
   * First delete the application's internal topics and its consumer group, as kafka-streams-application-reset
   * does, so it starts with no state: what a lab wants on each run (default false: carry on where it stopped).
   */
  reset?: boolean;
}

/** What `topology.describe()` says, and the internal topics it implies (names without the session prefix). */
export interface StreamsTopology {
  /** The description as Streams prints it: sub-topologies, sources, processors, sinks and stores. */
  text: string;
  subtopologies: number;
  stores: string[];
  /** Topics Streams creates to re-key a stream (`groupBy`): `<application.id>-<name>-repartition`. */
  repartition: string[];
  /** One compacted topic per store, `<application.id>-<store>-changelog`: every update the store takes. */
  changelog: string[];
}

/** One change of the application's state (CREATED, REBALANCING, RUNNING, PENDING_SHUTDOWN, NOT_RUNNING, ERROR, …). */
export interface StreamsStateChange {
  state: string;
  previous: string;
  /** Since the JVM's main() began. */
  ms: number;
}

/** A task: one partition of each source topic of one sub-topology (id `<sub-topology>_<partition>`). */
export interface StreamsTask {
  id: string;
  /** `topic-partition`, the topic without the session prefix. */
  partitions: string[];
}

/** One store partition rebuilt from its changelog partition when the application started. */
export interface StoreRestore {
  store: string;
  /** The changelog topic, without the session prefix. */
  topic: string;
  partition: number;
  /** The changelog offsets it reads from and up to. */
  from: number;
  to: number;
  /** Records restored, once the restore has ended. */
  restored?: number;
}

/** One transaction of the application's producers, as the brokers' transaction coordinator describes it. */
export interface StreamsTransaction {
  /** `<application.id>-<process id>-<thread>`, without the session prefix. */
  id: string;
  /** Ongoing, PrepareCommit, CompleteCommit, CompleteAbort, Empty, … */
  state: string;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  /** Partitions written in the transaction now open (`topic-partition`, without the session prefix). */
  partitions: string[];
}

/** What the Java side prints, one JSON object per line. */
export type StreamsLine =
  | { kind: "reset"; deleted: string[] }
  | { kind: "topology"; topology: StreamsTopology }
  | { kind: "state"; change: StreamsStateChange }
  | { kind: "tasks"; tasks: StreamsTask[] }
  | { kind: "ready"; ms: number }
  | { kind: "restore-start"; restore: StoreRestore }
  | { kind: "restore-end"; store: string; topic: string; partition: number; restored: number }
  | { kind: "transactions"; transactions: StreamsTransaction[] }
  | { kind: "closed"; ms: number }
  | { kind: "error"; error: string };

/** A word count application running in the run (see `wordCount`). */
export interface WordCountApp {
  /** The full application.id. */
  readonly applicationId: string;
  readonly topology: StreamsTopology;
  /** Every state change so far, in order. */
  readonly states: readonly StreamsStateChange[];
  /** The active tasks, as of the last time the application became RUNNING. */
  readonly tasks: readonly StreamsTask[];
  /** Every restore from a changelog since the start. */
  readonly restores: readonly StoreRestore[];
  /** Records restored from changelogs, all partitions together. */
  readonly restoredRecords: number;
  /**
   * Resolves once the application is RUNNING and every store has caught up with its changelog (restored), with
   * the milliseconds that took since the JVM started; rejects if it fails or `timeoutMs` passes first.
   */
  running(timeoutMs?: number): Promise<number>;
  /** Asks the brokers for the transactions of the application's producers. */
  transactions(timeoutMs?: number): Promise<StreamsTransaction[]>;
  /** Closes the application cleanly (it leaves its group) and waits for the JVM to end; resolves with the close's ms. */
  stop(timeoutMs?: number): Promise<number>;
}

const DEFAULT_RUNNING_MS = 25_000;
const DEFAULT_WAIT_MS = 20_000;

/**
 * Starts Kafka Streams' word count (WordCountDemo's topology) from `input` to `output` under `applicationId`,
 * and resolves once the JVM has built its topology. Wait for `running()` before relying on it, and `stop()` it
 * when done (a run that ends first takes the JVM with it, without a clean close).
 *
 * ```ts
 * const app = await wordCount({ input: lines, output: counts, applicationId: "word-count" });
 * await app.running();
 * // … produce lines, read the counts …
 * await app.stop();
 * ```
 */
export async function wordCount(options: WordCountOptions): Promise<WordCountApp> {
  const args = wordCountArgs(options, sessionName);
  const app = new RunningWordCount(args[args.indexOf("--application-id") + 1]!, (onLine) =>
    startLabJava("WordCount", args, onLine, { helper: "wordCount", lesson: "lesson 13", stdin: true }),
  );
  await app.started();
  return app;
}

/** The Java tool's arguments for `options`; `fullName` turns a learner's name into the session's. */
export function wordCountArgs(options: WordCountOptions, fullName: (name: string) => string = (name) => name): string[] {
  for (const key of ["input", "output", "applicationId"] as const) {
    if (typeof options[key] !== "string" || !options[key]) throw new TypeError(`wordCount: ${key} is required`);
  }
  const interval = options.commitIntervalMs;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 0))
    throw new RangeError("wordCount: commitIntervalMs must be a whole number, 0 or more");
  return [
    "--application-id",
    fullName(options.applicationId),
    "--input",
    fullName(options.input),
    "--output",
    fullName(options.output),
    ...(interval !== undefined ? ["--commit-interval-ms", String(interval)] : []),
    ...(options.reset ? ["--reset", "true"] : []),
  ];
}

/** One line of the Java tool's output, or undefined for a line that is not one of its JSON objects. */
export function parseStreamsLine(line: string): StreamsLine | undefined {
  const o = jsonObject(line);
  if (!o) return undefined;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : []);
  if (typeof o.error === "string") return { kind: "error", error: o.error };
  if (o.reset === true) return { kind: "reset", deleted: strings(o.deleted) };
  if (typeof o.topology === "string") {
    return {
      kind: "topology",
      topology: {
        text: o.topology,
        subtopologies: Number(o.subtopologies),
        stores: strings(o.stores),
        repartition: strings(o.repartition),
        changelog: strings(o.changelog),
      },
    };
  }
  if (typeof o.state === "string" && typeof o.previous === "string") {
    return { kind: "state", change: { state: o.state, previous: o.previous, ms: Number(o.ms) } };
  }
  if (Array.isArray(o.tasks)) {
    const tasks = o.tasks
      .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null && typeof (t as { id?: unknown }).id === "string")
      .map((t) => ({ id: t.id as string, partitions: strings(t.partitions) }));
    return { kind: "tasks", tasks };
  }
  if (o.ready === true) return { kind: "ready", ms: Number(o.ms) };
  if (o.restore === "start" && typeof o.store === "string" && typeof o.topic === "string") {
    return {
      kind: "restore-start",
      restore: { store: o.store, topic: o.topic, partition: Number(o.partition), from: Number(o.from), to: Number(o.to) },
    };
  }
  if (o.restore === "end" && typeof o.store === "string" && typeof o.topic === "string") {
    return { kind: "restore-end", store: o.store, topic: o.topic, partition: Number(o.partition), restored: Number(o.restored) };
  }
  if (Array.isArray(o.transactions)) {
    const transactions = o.transactions
      .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null && typeof (t as { id?: unknown }).id === "string")
      .map((t) => ({
        id: t.id as string,
        state: String(t.state),
        producerId: Number(t.producerId),
        producerEpoch: Number(t.producerEpoch),
        timeoutMs: Number(t.timeoutMs),
        partitions: strings(t.partitions),
      }));
    return { kind: "transactions", transactions };
  }
  if (o.closed === true) return { kind: "closed", ms: Number(o.ms) };
  return undefined;
}

/** A waiter for one kind of line: resolved by the line, rejected by an error or the JVM's end. */
interface Waiter {
  accept: (line: StreamsLine) => boolean;
  resolve: (line: StreamsLine) => void;
  reject: (error: Error) => void;
}

class RunningWordCount implements WordCountApp {
  readonly applicationId: string;
  topology: StreamsTopology = { text: "", subtopologies: 0, stores: [], repartition: [], changelog: [] };
  readonly states: StreamsStateChange[] = [];
  tasks: StreamsTask[] = [];
  readonly restores: StoreRestore[] = [];
  private readyMs: number | undefined;
  private ended: Error | undefined;
  private readonly errors: string[] = [];
  private waiters: Waiter[] = [];
  private readonly child: WordCountJvm;
  private readonly stderrTail: () => string;

  constructor(applicationId: string, start: (onLine: (line: string) => void) => { child: LabJvm; stderrTail: () => string }) {
    const { child, stderrTail } = start((line) => this.line(line));
    this.child = child as WordCountJvm;
    this.applicationId = applicationId;
    this.stderrTail = stderrTail;
    this.child.stdin.on("error", () => {
      // The JVM has gone; its exit says why.
    });
    child.once("error", (error: NodeJS.ErrnoException) => this.end(javaStartError(error)));
    child.once("close", (code, signal) => {
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      const tail = this.stderrTail();
      const why = this.errors.length ? `: ${this.errors.join("; ")}` : tail ? `:\n${tail}` : "";
      this.end(new Error(`The Kafka Streams JVM ${how}${why}`));
    });
    // The JVM does not keep the run alive by itself: a run that ends without stop() ends it too. Each wait below
    // holds a timer, which keeps the run going until its line arrives.
    child.unref();
    for (const stream of [this.child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref?: () => void }).unref?.();
  }

  /** One line the JVM printed. */
  line(text: string): void {
    const parsed = parseStreamsLine(text);
    if (parsed) this.take(parsed);
  }

  get restoredRecords(): number {
    return this.restores.reduce((sum, r) => sum + (r.restored ?? 0), 0);
  }

  async started(): Promise<void> {
    await this.wait((line) => line.kind === "topology", DEFAULT_WAIT_MS, "built its topology");
  }

  async running(timeoutMs = DEFAULT_RUNNING_MS): Promise<number> {
    if (this.readyMs !== undefined) return this.readyMs;
    const line = await this.wait((l) => l.kind === "ready", timeoutMs, "was RUNNING");
    return line.kind === "ready" ? line.ms : 0;
  }

  async transactions(timeoutMs = DEFAULT_WAIT_MS): Promise<StreamsTransaction[]> {
    const answer = this.wait((l) => l.kind === "transactions", timeoutMs, "listed its transactions");
    this.send("transactions");
    const line = await answer;
    return line.kind === "transactions" ? line.transactions : [];
  }

  async stop(timeoutMs = DEFAULT_WAIT_MS): Promise<number> {
    if (this.ended) throw this.ended;
    const closed = this.wait((l) => l.kind === "closed", timeoutMs, "closed");
    this.send("stop");
    this.child.stdin.end();
    // Until the JVM has exited, it keeps the run going.
    this.child.ref();
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once("exit", () => resolve())));
    const line = await closed;
    await exited;
    return line.kind === "closed" ? line.ms : 0;
  }

  private take(parsed: StreamsLine): void {
    let line = parsed;
    switch (parsed.kind) {
      case "topology":
        this.topology = { ...parsed.topology, text: withoutPrefix(parsed.topology.text), ...this.shown(parsed.topology) };
        break;
      case "state":
        this.states.push(parsed.change);
        break;
      case "tasks":
        this.tasks = parsed.tasks.map((t) => ({ id: t.id, partitions: t.partitions.map(displayName) }));
        break;
      case "ready":
        this.readyMs = parsed.ms;
        break;
      case "restore-start":
        this.restores.push({ ...parsed.restore, topic: displayName(parsed.restore.topic) });
        break;
      case "restore-end": {
        const topic = displayName(parsed.topic);
        const started = this.restores.find((r) => r.topic === topic && r.partition === parsed.partition && r.restored === undefined);
        if (started) started.restored = parsed.restored;
        else this.restores.push({ store: parsed.store, topic, partition: parsed.partition, from: 0, to: 0, restored: parsed.restored });
        break;
      }
      case "transactions":
        line = {
          kind: "transactions",
          transactions: parsed.transactions.map((t) => ({ ...t, id: displayName(t.id), partitions: t.partitions.map(displayName) })),
        };
        break;
      case "error":
        this.errors.push(parsed.error);
        break;
    }
    if (line.kind === "error") {
      // An error answers whoever waits; the JVM may go on (a failed listing) or end (a failed application).
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error(`Kafka Streams: ${line.error}`));
      return;
    }
    const matched = this.waiters.filter((w) => w.accept(line));
    this.waiters = this.waiters.filter((w) => !matched.includes(w));
    for (const waiter of matched) waiter.resolve(line);
  }

  private shown(topology: StreamsTopology): Pick<StreamsTopology, "repartition" | "changelog"> {
    return { repartition: topology.repartition.map(displayName), changelog: topology.changelog.map(displayName) };
  }

  private end(error: Error): void {
    this.ended ??= error;
    for (const waiter of this.waiters.splice(0)) waiter.reject(this.ended);
  }

  private send(command: string): void {
    if (this.child.stdin.writable) this.child.stdin.write(`${command}\n`);
  }

  private wait(accept: (line: StreamsLine) => boolean, timeoutMs: number, what: string): Promise<StreamsLine> {
    if (this.ended) return Promise.reject(this.ended);
    return new Promise<StreamsLine>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`Kafka Streams had not ${what} after ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: Waiter = {
        accept,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.waiters.push(waiter);
    });
  }
}

/** The word count's JVM, which reads its commands on stdin. */
type WordCountJvm = LabJvm & { stdin: Writable };
