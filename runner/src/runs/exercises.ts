/**
 * What the runner reads from the lesson folders: exercise checks, which live beside their lesson as
 * `<exercise>.check.ts`, and the companion services a lesson declares in its frontmatter (`needs.services`).
 * An exercise id is "<lesson>/<exercise>", where <lesson> is the lesson folder name without its numeric prefix.
 */
import fs from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { parseExerciseRunId, stripOrder } from "../protocol/lessons.ts";
import { isServiceName, type ServiceName } from "../services/types.ts";

const lessonsRoot = path.resolve(import.meta.dirname, "../../../content/lessons");

/** The folder of lesson `lesson` ("kraft" → …/02-the-cluster/12-kraft), or undefined. */
function lessonFolder(lesson: string, root = lessonsRoot): string | undefined {
  for (const part of safeList(root)) {
    for (const folder of safeList(path.join(root, part))) {
      if (stripOrder(folder) === lesson) return path.join(root, part, folder);
    }
  }
  return undefined;
}

/** Finds the check source for an exercise id, or undefined. */
export async function exerciseCheckSource(id: string): Promise<string | undefined> {
  const parsed = parseExerciseRunId(id);
  if (!parsed) return undefined;
  const folder = lessonFolder(parsed.lesson);
  const file = folder && path.join(folder, `${parsed.exercise}.check.ts`);
  return file && fs.existsSync(file) ? await fs.promises.readFile(file, "utf8") : undefined;
}

/** What a lesson declares in its frontmatter's `needs` that the runner acts on. */
export interface LessonNeeds {
  /** Its labs stop and start brokers (lab.stopBroker), where fault injection is on. */
  faultInjection: boolean;
  /** The companion services its runs reach. */
  services: ServiceName[];
  /** Its runs may start Java (lesson 18's share consumers, through lab.shareConsumers). */
  java: boolean;
}

const needsCache = new Map<string, LessonNeeds>();

/** The `needs` of lesson `lesson` (nothing for an unknown lesson), read once from its index.mdx frontmatter. */
export function lessonNeeds(lesson: string, root = lessonsRoot): LessonNeeds {
  const key = `${root}:${lesson}`;
  const cached = needsCache.get(key);
  if (cached) return cached;
  const folder = lessonFolder(lesson, root);
  let needs: { faultInjection?: unknown; services?: unknown; java?: unknown } | undefined;
  if (folder) {
    const source = fs.readFileSync(path.join(folder, "index.mdx"), "utf8");
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(source)?.[1] ?? "";
    needs = (parseYaml(frontmatter) as { needs?: typeof needs } | null)?.needs;
  }
  const declared = Array.isArray(needs?.services) ? (needs.services as unknown[]) : [];
  const result: LessonNeeds = {
    faultInjection: needs?.faultInjection === true,
    services: declared.filter((name): name is ServiceName => typeof name === "string" && isServiceName(name)),
    java: needs?.java === true,
  };
  needsCache.set(key, result);
  return result;
}

/** The companion services lesson `lesson` declares in `needs.services`. */
export function lessonServices(lesson: string, root = lessonsRoot): ServiceName[] {
  return lessonNeeds(lesson, root).services;
}

/** True when lesson `lesson` declares `needs.java`: its runs get Java and the lab's Java tools. */
export function lessonNeedsJava(lesson: string, root = lessonsRoot): boolean {
  return lessonNeeds(lesson, root).java;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
