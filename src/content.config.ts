import { docsSchema } from "@astrojs/starlight/schema";
import { glob } from "astro/loaders";
import { defineCollection } from "astro:content";
import { lessonSchema } from "./lesson-schema.ts";

/** Lesson ids drop the numeric ordering prefixes: 01-events/02-topics/index.mdx → events/topics. */
function lessonId({ entry }: { entry: string }): string {
  const id = entry
    .replace(/\.mdx?$/, "")
    .replace(/(^|\/)index$/, "")
    .split("/")
    .map((segment) => segment.replace(/^\d+-/, ""))
    .join("/");
  return id || "index";
}

export const collections = {
  docs: defineCollection({
    loader: glob({ pattern: "**/[^_]*.mdx", base: "./content/lessons", generateId: lessonId }),
    schema: docsSchema({ extend: lessonSchema }),
  }),
};
