/**
 * The run protocol: the one place that says what a run request looks like and which events a run streams.
 * The runner validates requests with these schemas and the page validates every event it receives.
 */
import { z } from "zod";

/** Largest snippet the runner accepts, in bytes of UTF-8. */
export const MAX_CODE_BYTES = 64 * 1024;

export const runRequestSchema = z.object({
  /** Source of the snippet, in `lang`. */
  code: z.string({ error: "`code` must be a string holding the snippet's source" }).min(1, "`code` is empty: write some code to run"),
  /**
   * "ts": TypeScript with kafkajs and `lab`. "sh": a bash script with Kafka's command-line tools on PATH.
   * "py": Python 3 with confluent-kafka, kafka-python and the Python `lab` module.
   */
  lang: z.enum(["ts", "sh", "py"], {
    error: 'Unknown `lang`: use "ts" (TypeScript), "sh" (a shell script with the Kafka CLI) or "py" (Python 3)',
  }),
  /** Optional exercise to check after the code runs, as "<lesson>/<exercise>". */
  exercise: z.string().max(200).optional(),
  /**
   * The lesson the code belongs to (its folder name without the number, e.g. "kraft"). A run reaches the
   * companion services its lesson declares in needs.services, and only those; an exercise names its lesson itself.
   */
  lesson: z
    .string()
    .regex(/^[a-z0-9-]{1,100}$/, '`lesson` is a lesson\'s id, such as "kraft"')
    .optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

/** Why a run ended. A failing snippet is data ("error"), not a runner fault. */
export const endReasonSchema = z.enum(["ok", "error", "timeout", "killed", "output-limit", "cancelled"]);
export type EndReason = z.infer<typeof endReasonSchema>;

export const startEventSchema = z.object({ runId: z.string(), engine: z.string() });
export const textEventSchema = z.object({ text: z.string() });
export const queueEventSchema = z.object({ position: z.number().int().nonnegative() });
export const endEventSchema = z.object({
  exitCode: z.number().int().nullable(),
  durationMs: z.number().nonnegative(),
  reason: endReasonSchema,
});

/** Structured events a snippet emits through the `lab` helpers, drawn by the page: each acknowledged record. */
export const kafkaEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("produced"),
    topic: z.string(),
    partition: z.number().int(),
    offset: z.string(),
    key: z.string().nullable().optional(),
  }),
  /**
   * A lab asks the runner to stop or start a broker (lab.stopBroker / lab.startBroker): fault injection from the
   * code, for labs that measure a failover. Honoured only with FAULT_INJECTION=on, for a lesson that declares the
   * cluster it touches; the runner starts again whatever a run stopped when the run ends. Never sent to the page.
   */
  z.object({
    type: z.literal("broker"),
    action: z.enum(["stop", "start"]),
    /** "kraft": the course cluster; "zk-kafka": the ZooKeeper-mode cluster. */
    cluster: z.enum(["kraft", "zk-kafka"]),
    id: z.number().int(),
    /** Kill it (SIGKILL, like a crash) instead of a clean shutdown. */
    crash: z.boolean().optional(),
  }),
]);
export type KafkaEvent = z.infer<typeof kafkaEventSchema>;
export type BrokerControlEvent = Extract<KafkaEvent, { type: "broker" }>;

/** A companion service the run waits for, while it starts ("Starting RabbitMQ 3.10… 4 s"). */
export const serviceEventSchema = z.object({ text: z.string() });

/** Result of an exercise check, sent after the learner's code has run. */
export const checkEventSchema = z.object({ passed: z.boolean(), message: z.string() });

export const runEventSchemas = {
  start: startEventSchema,
  stdout: textEventSchema,
  stderr: textEventSchema,
  queue: queueEventSchema,
  service: serviceEventSchema,
  kafka: kafkaEventSchema,
  check: checkEventSchema,
  end: endEventSchema,
} as const;

export type RunEventName = keyof typeof runEventSchemas;
export type RunEvent = {
  [K in RunEventName]: { event: K; data: z.infer<(typeof runEventSchemas)[K]> };
}[RunEventName];

/** Parses one server-sent event; returns undefined for events this client does not know. */
export function parseRunEvent(event: string, json: string): RunEvent | undefined {
  if (!(event in runEventSchemas)) return undefined;
  const name = event as RunEventName;
  const parsed = runEventSchemas[name].safeParse(JSON.parse(json));
  return parsed.success ? ({ event: name, data: parsed.data } as RunEvent) : undefined;
}

/** Words a learner understands for each end reason. */
export const endReasonText: Record<EndReason, string> = {
  ok: "Finished",
  error: "Your code exited with an error",
  timeout: "Stopped: the run took longer than the time limit",
  killed: "Stopped: the run used more memory or processes than allowed",
  "output-limit": "Stopped: the run printed more output than allowed",
  cancelled: "Cancelled",
};
