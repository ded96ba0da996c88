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

const servicesCache = new Map<string, ServiceName[]>();

/** The companion services lesson `lesson` declares in `needs.services` (none for an unknown lesson). */
export function lessonServices(lesson: string, root = lessonsRoot): ServiceName[] {
  const cached = servicesCache.get(`${root}:${lesson}`);
  if (cached) return cached;
  const folder = lessonFolder(lesson, root);
  let names: ServiceName[] = [];
  if (folder) {
    const source = fs.readFileSync(path.join(folder, "index.mdx"), "utf8");
    const frontmatter = /^---\n([\s\S]*?)\n---/.exec(source)?.[1] ?? "";
    const needs = (parseYaml(frontmatter) as { needs?: { services?: unknown } } | null)?.needs;
    const declared = Array.isArray(needs?.services) ? (needs.services as unknown[]) : [];
    names = declared.filter((name): name is ServiceName => typeof name === "string" && isServiceName(name));
  }
  servicesCache.set(`${root}:${lesson}`, names);
  return names;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
