/**
 * Exercise checks live beside their lesson as `<exercise>.check.ts`. An exercise id is "<lesson>/<exercise>",
 * where <lesson> is the lesson folder name without its numeric prefix.
 */
import fs from "node:fs";
import path from "node:path";
import { parseExerciseRunId, stripOrder } from "../protocol/lessons.ts";

const lessonsRoot = path.resolve(import.meta.dirname, "../../../content/lessons");

/** Finds the check source for an exercise id, or undefined. */
export async function exerciseCheckSource(id: string): Promise<string | undefined> {
  const parsed = parseExerciseRunId(id);
  if (!parsed) return undefined;
  const { lesson, exercise } = parsed;
  for (const part of safeList(lessonsRoot)) {
    for (const folder of safeList(path.join(lessonsRoot, part))) {
      if (stripOrder(folder) !== lesson) continue;
      const file = path.join(lessonsRoot, part, folder, `${exercise}.check.ts`);
      if (fs.existsSync(file)) return await fs.promises.readFile(file, "utf8");
    }
  }
  return undefined;
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}
