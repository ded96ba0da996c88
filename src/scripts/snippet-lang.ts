/** A snippet's language, from its file name: `.sh` a shell script with the Kafka CLI, `.py` Python 3, else TypeScript. */
export type SnippetLang = "ts" | "sh" | "py";

export function langOfFile(file: string): SnippetLang {
  if (file.endsWith(".sh")) return "sh";
  if (file.endsWith(".py")) return "py";
  return "ts";
}

/** What the Edit button says it opens. */
export const EDIT_TITLES: Record<SnippetLang, string> = {
  ts: "Edit the code (with kafkajs completion)",
  sh: "Edit the script",
  py: "Edit the Python code",
};
