import type { SnippetLang } from "./snippet-lang.ts";

/** What the snippet element needs from an editor, whichever editor implements it. */
export interface CodeEditor {
  getValue(): string;
  setValue(value: string): void;
  focus(): void;
}

/** How the editor reports back to the snippet that owns it. */
export interface EditorHooks {
  /** The snippet's language: TypeScript (with kafkajs and lab types), a shell script, or Python. */
  lang: SnippetLang;
  /** Accessible name of the editor. */
  label: string;
  /** The text changed (typing, paste, undo, setValue). */
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun(): void;
  /** Escape with no popup open: move focus back to the snippet's toolbar. */
  onLeave(): void;
}
