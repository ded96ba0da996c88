/**
 * The lesson frontmatter, on top of Starlight's own fields. Every runnable snippet and exercise is declared
 * here, so the site, the lesson checks and the coverage report all read one source.
 */
import { z } from "astro/zod";
import { SERVICE_NAMES } from "../runner/src/services/types.ts";

export const snippetExpectSchema = z.object({
  /** Regular expressions that must each match the run's stdout. */
  stdout: z.array(z.string()).default([]),
  /** Regular expressions that must not match stdout. */
  notStdout: z.array(z.string()).default([]),
  /** How the run must end. Most snippets end "ok"; a lab that shows a failure may expect "error". */
  reason: z.enum(["ok", "error", "timeout"]).default("ok"),
  /** Minimum number of records the run must report as produced (drawn in the page's partition lanes). */
  produced: z.number().int().nonnegative().optional(),
});

export const snippetSchema = z.object({
  /** File name of the snippet, beside the lesson's index.mdx. */
  file: z
    .string()
    .regex(
      /^[\w.-]+\.(ts|sh|py)$/,
      "a snippet file is a .ts (TypeScript), .sh (shell, with the Kafka CLI) or .py (Python 3) file beside index.mdx",
    ),
  /** What a correct run shows; the lesson checks assert it. */
  expect: snippetExpectSchema,
  /** Longest a correct run takes, in seconds (lesson checks wait this long). */
  timeoutSeconds: z.number().int().positive().default(30),
  /** Brokers to stop (through the cluster panel) before this snippet runs, and start again after. */
  stopBrokers: z.array(z.number().int()).default([]),
  /**
   * The snippet stops and starts brokers itself (lab.stopBroker), so the lesson checks run it alone, with the
   * fault lessons, and never beside other runs.
   */
  disruptive: z.boolean().default(false),
});

/** A plausible wrong solution of an exercise: its check must fail it, with a message a learner understands. */
export const wrongSolutionSchema = z.object({
  /** File beside the lesson, `<exercise id>.wrong-<what>.ts`. */
  file: z.string().regex(/^[a-z0-9-]+\.wrong-[a-z0-9-]+\.ts$/, "a wrong solution is a file named <exercise id>.wrong-<what>.ts"),
  /** One line on what it gets wrong. */
  what: z.string().min(1),
});

export const exerciseSchema = z
  .object({
    /** Short id, unique within the lesson; the check file is `<id>.check.ts`. */
    id: z.string().regex(/^[a-z0-9-]+$/),
    /** What the learner builds. The starter (`<id>.ts`) and the solution (`<id>.solution.ts`) live beside the lesson. */
    title: z.string(),
    /** Hints, shown together under one disclosure. */
    hints: z.array(z.string()).min(1),
    /** Wrong solutions the check must reject (the lesson checks run each one). */
    wrong: z.array(wrongSolutionSchema).default([]),
  })
  .refine((e) => e.wrong.every((w) => w.file.startsWith(`${e.id}.wrong-`)), {
    error: "each wrong solution's file must start with its exercise id: <id>.wrong-<what>.ts",
  });

export const lessonSchema = z.object({
  /** What the learner can do after the lesson. */
  objectives: z.array(z.string()).default([]),
  /** Estimated minutes to read and run everything. */
  minutes: z.number().int().positive().optional(),
  /**
   * What the lesson needs besides the course cluster: fault injection shows the broker Stop/Start controls;
   * services are the companion systems its runs reach (started when the page opens, and only for its runs);
   * java lets its runs start Java (the Kafka client jars and the lab's Java tools, e.g. lab.shareConsumers).
   */
  needs: z
    .object({
      faultInjection: z.boolean().default(false),
      services: z.array(z.enum(SERVICE_NAMES)).default([]),
      java: z.boolean().default(false),
    })
    .default({ faultInjection: false, services: [], java: false }),
  /** Systems other than the 3-node cluster that some labs wait for (shown honestly on the page). */
  later: z.array(z.string()).default([]),
  snippets: z.array(snippetSchema).default([]),
  exercises: z.array(exerciseSchema).default([]),
});
export type Lesson = z.infer<typeof lessonSchema>;
