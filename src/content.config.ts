import { docsSchema } from "@astrojs/starlight/schema";
import { glob } from "astro/loaders";
import { defineCollection } from "astro:content";
import { lessonIdFromPath } from "../runner/src/protocol/lessons.ts";
import { lessonSchema } from "./lesson-schema.ts";

/** Lesson ids drop the numeric ordering prefixes: 01-events/02-topics/index.mdx → events/topics. */
const lessonId = ({ entry }: { entry: string }): string => lessonIdFromPath(entry);

export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: "**/[^_]*.mdx", base: "./content/lessons", generateId: lessonId }),
    schema: docsSchema({ extend: lessonSchema }),
  }),
};
