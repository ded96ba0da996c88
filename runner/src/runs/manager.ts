/**
 * Turns a run request into a queued job and a stream of protocol events: transpile, execute in the engine,
 * optionally check an exercise, end. A failing snippet is data (`end { reason: "error" }`), never a 5xx.
 */
import crypto from "node:crypto";
import { QueueFullError } from "../errors.ts";
import type { BrokerControlEvent, RunEvent, RunRequest } from "../protocol/index.ts";
import { parseExerciseRunId } from "../protocol/lessons.ts";
import type { Engine, ExecResult, RunLimits } from "../sandbox/types.ts";
import { ServiceError, type ServiceName, type SharedFolder } from "../services/types.ts";
import { Channel } from "./channel.ts";
import type { RunQueue, QueuedJob } from "./queue.ts";
import { transpile } from "./transpile.ts";

export interface RunManagerOptions {
  engine: Engine;
  queue: RunQueue;
  limits: RunLimits;
  /** Bootstrap servers as the host sees them. */
  brokers(): readonly string[];
  /** The LAB_SESSION value for a browser session ("" in single-user mode). */
  labSession(session: string): string;
  /** Extra environment for a session's runs (its Kafka login in classroom mode), set up on first use. */
  sessionEnv?(labSession: string): Promise<Record<string, string>>;
  /** Source of the check for exercise id "<lesson>/<exercise>", or undefined when there is none. */
  exerciseCheck(id: string): Promise<string | undefined>;
  /** Called when a session runs code (idle-topic cleanup keys off it). */
  touch?(session: string): void;
  /** Environment every run gets (the course's limits, so `lab` can explain a throttled request). */
  labEnv?: Record<string, string>;
  /**
   * Readies the companion services lesson `lesson` needs for one run of `labSession` (started on demand, with
   * progress lines), or undefined when it needs none. The run reaches those services, and only while it runs.
   */
  servicesFor?(lesson: string, labSession: string, progress: (text: string) => void, code: string): Promise<PreparedServices | undefined>;
  /** True when lesson `lesson`'s runs (and checks) may start Java (its frontmatter's `needs.java`). */
  lessonJava?(lesson: string): boolean;
  /**
   * Readies Kafka's command-line tools for an `sh` run (the first one on a machine fetches their jars, with progress
   * lines). Without it, `sh` runs start without them and say so.
   */
  kafkaCli?(progress: (text: string) => void): Promise<void>;
  /**
   * Readies Python and its Kafka clients for a `py` run (the first one on a machine installs them from PyPI, with
   * progress lines). Without it, `py` runs are told Python is not available.
   */
  python?(progress: (text: string) => void): Promise<void>;
  /** Memory (MiB) and wall clock (ms) for an `sh` run: each Kafka tool it starts is a JVM (RUN_CLI_*). */
  cliLimits?: { memoryMb: number; timeoutMs: number };
  /**
   * Carries out a lab's request to stop or start a broker (lab.stopBroker), for a run of `lesson`; resolves with a
   * line for the run's output, rejects with a ServiceError that says why it is refused.
   */
  brokerControl?: (event: BrokerControlEvent, lesson: string | undefined) => Promise<string>;
}

/** What a run gets from the companion services its lesson needs. */
export interface PreparedServices {
  services: ServiceName[];
  env: Record<string, string>;
  /** Host folders the run shares with those services (read and write). */
  folders?: SharedFolder[];
  /** Ends the run's hold on them (they may stop once idle). */
  release(): void;
}

/** Notices kept for a session that is not running anything right now (the oldest are dropped). */
const MAX_PENDING_NOTICES = 10;

export interface Run {
  id: string;
  events: Channel<RunEvent>;
  cancel(): void;
}

export class RunManager {
  private readonly active = new Map<string, Run>();
  /** Runs executing now, per LAB_SESSION value, so a notice reaches the learner while they watch. */
  private readonly executing = new Map<string, Set<Channel<RunEvent>>>();
  private readonly pendingNotices = new Map<string, string[]>();
  private readonly options: RunManagerOptions;

  constructor(options: RunManagerOptions) {
    this.options = options;
  }

  /** Queues a run; throws QueueFullError when the queue is full. */
  create(request: RunRequest, session: string): Run {
    const id = crypto.randomUUID();
    const events = new Channel<RunEvent>();
    const controller = new AbortController();
    let started = false;
    const job: QueuedJob = {
      session,
      onPosition: (position) => !started && events.push({ event: "queue", data: { position } }),
      run: async () => {
        started = true;
        try {
          await this.execute(id, request, session, events, controller.signal);
        } finally {
          this.active.delete(id);
          events.close();
        }
      },
    };
    const run: Run = {
      id,
      events,
      cancel: () => {
        controller.abort();
        if (!started) {
          this.options.queue.withdraw(job);
          this.active.delete(id);
          events.push({ event: "end", data: { exitCode: null, durationMs: 0, reason: "cancelled" } });
          events.close();
        }
      },
    };
    this.active.set(id, run);
    if (!this.options.queue.submit(job)) {
      this.active.delete(id);
      throw new QueueFullError();
    }
    return run;
  }

  /**
   * Tells a session's learner something the runner did to their topics (a limit enforced after the fact): in the
   * output of their running snippets, or at the start of their next run.
   */
  notify(labSession: string, text: string): void {
    const line = { event: "stderr" as const, data: { text: `[offset] ${text}\n` } };
    const running = this.executing.get(labSession);
    if (running?.size) {
      for (const events of running) events.push(line);
      return;
    }
    const pending = [...(this.pendingNotices.get(labSession) ?? []), text].slice(-MAX_PENDING_NOTICES);
    this.pendingNotices.set(labSession, pending);
  }

  /** Cancels a queued or running run; false when no such run exists. */
  cancel(id: string): boolean {
    const run = this.active.get(id);
    run?.cancel();
    return run !== undefined;
  }

  private async execute(id: string, request: RunRequest, session: string, events: Channel<RunEvent>, signal: AbortSignal): Promise<void> {
    const { engine } = this.options;
    const startedAt = performance.now();
    this.options.touch?.(session);
    events.push({ event: "start", data: { runId: id, engine: engine.name } });
    const labSession = this.options.labSession(session);
    for (const text of this.pendingNotices.get(labSession) ?? []) events.push({ event: "stderr", data: { text: `[offset] ${text}\n` } });
    this.pendingNotices.delete(labSession);
    const running = this.executing.get(labSession) ?? new Set();
    this.executing.set(labSession, running.add(events));
    let prepared: PreparedServices | undefined;
    let context: RunContext | undefined;
    try {
      const lesson = request.lesson ?? (request.exercise ? parseExerciseRunId(request.exercise)?.lesson : undefined);
      try {
        // The services the code uses: the snippet's, and the check's that runs after it in the same session.
        const check = request.exercise ? ((await this.options.exerciseCheck(request.exercise)) ?? "") : "";
        prepared = lesson
          ? await this.options.servicesFor?.(
              lesson,
              labSession,
              (text) => events.push({ event: "service", data: { text } }),
              `${request.code}\n${check}`,
            )
          : undefined;
      } catch (error) {
        const text =
          error instanceof ServiceError ? error.message : "A companion service this lesson needs did not start; see the runner's log.";
        if (!(error instanceof ServiceError)) console.error("[runner] starting services failed:", error);
        events.push({ event: "stderr", data: { text: `${text}\n` } });
        events.push({ event: "end", data: { exitCode: null, reason: "error", durationMs: Math.round(performance.now() - startedAt) } });
        return;
      }
      context = newContext(lesson);
      // A language's tools are readied before its first run (a first start fetches them, with progress lines).
      const say = (text: string) => events.push({ event: "service", data: { text } });
      const options = this.options;
      const tools =
        request.lang === "sh" && options.kafkaCli
          ? { what: "The Kafka command-line tools", ready: () => options.kafkaCli!(say) }
          : request.lang === "py" && options.python
            ? { what: "Python and its Kafka clients", ready: () => options.python!(say) }
            : undefined;
      if (tools) {
        const { what } = tools;
        try {
          await tools.ready();
        } catch (error) {
          console.error(`[runner] preparing ${what} failed:`, (error as Error).message);
          events.push({ event: "stderr", data: { text: `${what} could not be prepared: ${(error as Error).message}\n` } });
          events.push({ event: "end", data: { exitCode: null, reason: "error", durationMs: Math.round(performance.now() - startedAt) } });
          return;
        }
      }
      const result = await this.runCode(request.code, session, events, signal, false, prepared, context, request.lang);
      if (request.exercise && result.reason === "ok") await this.check(request.exercise, session, events, signal, prepared, context);
      events.push({
        event: "end",
        data: { exitCode: result.exitCode, reason: result.reason, durationMs: Math.round(performance.now() - startedAt) },
      });
    } finally {
      if (context) this.restartStopped(context);
      prepared?.release();
      running.delete(events);
      if (!running.size) this.executing.delete(labSession);
    }
  }

  private async runCode(
    source: string,
    session: string,
    events: Channel<RunEvent>,
    signal: AbortSignal,
    quiet = false,
    prepared?: PreparedServices,
    context: RunContext = newContext(undefined),
    lang: RunRequest["lang"] = "ts",
  ): Promise<ExecResult & { stdout: string }> {
    const transpiled = await transpile(source, lang);
    const shell = lang === "sh";
    const jvm = shell || Boolean(context.lesson && this.options.lessonJava?.(context.lesson));
    if (!transpiled.ok) {
      events.push({ event: "stderr", data: { text: `${transpiled.message}\n` } });
      return { exitCode: null, reason: "error", durationMs: 0, stdout: "" };
    }
    const labSession = this.options.labSession(session);
    let extraEnv: Record<string, string>;
    try {
      extraEnv = (await this.options.sessionEnv?.(labSession)) ?? {};
    } catch (error) {
      // Kafka's own message stays in the runner's log; the learner gets what to do.
      console.error(`[runner] preparing session ${labSession} failed:`, (error as Error).message);
      events.push({
        event: "stderr",
        data: {
          text: "The cluster did not answer while preparing your session (its logins and permissions). Check the cluster panel, then run again.\n",
        },
      });
      return { exitCode: null, reason: "error", durationMs: 0, stdout: "" };
    }
    let stdout = "";
    const result = await this.options.engine.exec({
      code: transpiled.code,
      env: {
        LAB_BROKERS: this.options.engine.brokersFor(this.options.brokers()).join(","),
        LAB_SESSION: labSession,
        ...this.options.labEnv,
        ...extraEnv,
        ...prepared?.env,
      },
      ...(prepared ? { services: prepared.services } : {}),
      ...(prepared?.folders?.length ? { folders: prepared.folders } : {}),
      ...(jvm ? { java: true } : {}),
      ...(shell ? { cli: true } : {}),
      ...(lang === "py" ? { python: true } : {}),
      // A JVM's start is slow on a busy class server: runs that may start one get the CLI's wall clock too.
      limits: shell ? this.cliLimits() : jvm ? { ...this.options.limits, timeoutMs: this.cliLimits().timeoutMs } : this.options.limits,
      signal,
      onStdout: (text) => (quiet ? (stdout += text) : events.push({ event: "stdout", data: { text } })),
      onStderr: (text) => (quiet ? (stdout += text) : events.push({ event: "stderr", data: { text } })),
      onKafkaEvent: (event) => {
        if (event.type === "broker") this.controlBroker(event, context, events);
        else if (!quiet) events.push({ event: "kafka", data: event });
      },
    });
    await Promise.allSettled(context.pending.splice(0));
    return { ...result, stdout };
  }

  /** An `sh` run's limits: the usual ones, with the memory and time of RUN_CLI_* where those are larger. */
  private cliLimits(): RunLimits {
    const { limits, cliLimits } = this.options;
    return {
      ...limits,
      memoryMb: Math.max(limits.memoryMb, cliLimits?.memoryMb ?? 0),
      timeoutMs: Math.max(limits.timeoutMs, cliLimits?.timeoutMs ?? 0),
    };
  }

  /** Runs an exercise's check in the same session; its exit code decides, its output explains. */
  private async check(
    exercise: string,
    session: string,
    events: Channel<RunEvent>,
    signal: AbortSignal,
    prepared: PreparedServices | undefined,
    context: RunContext,
  ): Promise<void> {
    const source = await this.options.exerciseCheck(exercise);
    if (!source) {
      events.push({ event: "check", data: { passed: false, message: `There is no exercise "${exercise}".` } });
      return;
    }
    const result = await this.runCode(source, session, events, signal, true, prepared, context);
    const message = result.stdout.trim() || (result.reason === "ok" ? "Check passed." : `The check ended: ${result.reason}.`);
    events.push({ event: "check", data: { passed: result.reason === "ok", message } });
  }

  /** A lab's broker request: carried out in the background (the lab polls for the effect), reported in the output. */
  private controlBroker(event: BrokerControlEvent, context: RunContext, events: Channel<RunEvent>): void {
    const control = this.options.brokerControl;
    const say = (text: string) => events.push({ event: "stderr", data: { text: `[offset] ${text}\n` } });
    if (!control) {
      say("This course cannot stop or start brokers from a lab.");
      return;
    }
    const key = `${event.cluster}:${event.id}`;
    if (event.action === "stop") context.stopped.add(key);
    else context.stopped.delete(key);
    // One request at a time per broker: a start asked for while the stop is still under way waits for it.
    const previous = context.chains.get(key) ?? Promise.resolve();
    const next = previous.then(() =>
      control(event, context.lesson).then(say, (error: Error) => {
        if (event.action === "stop") context.stopped.delete(key);
        say(error instanceof ServiceError ? error.message : `The broker request failed: ${error.message}`);
      }),
    );
    context.chains.set(key, next);
    context.pending.push(next);
  }

  /** Starts again, in the background, every broker the run stopped and did not start itself. */
  private restartStopped(context: RunContext): void {
    const control = this.options.brokerControl;
    for (const key of context.stopped) {
      const [cluster, id] = key.split(":") as [BrokerControlEvent["cluster"], string];
      void control?.({ type: "broker", action: "start", cluster, id: Number(id) }, context.lesson).catch((error: Error) =>
        console.error(`[runner] restarting ${key} after a run failed: ${error.message}`),
      );
    }
    context.stopped.clear();
  }
}

/** What the runner keeps for one run while it executes: its lesson and the brokers its lab stopped. */
interface RunContext {
  lesson: string | undefined;
  /** "<cluster>:<id>" of brokers the lab stopped and has not started again. */
  stopped: Set<string>;
  /** Broker requests still being carried out (the run's end waits for them, so their lines reach the output). */
  pending: Promise<void>[];
  /** The last request per broker, which the next one for that broker waits for. */
  chains: Map<string, Promise<void>>;
}

function newContext(lesson: string | undefined): RunContext {
  return { lesson, stopped: new Set(), pending: [], chains: new Map() };
}
