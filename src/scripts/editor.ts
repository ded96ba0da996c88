/** The code editor, loaded on first interaction. A plain textarea for now; keeps the CodeEditor contract. */
import type { CodeEditor } from "./editor-types.ts";

export async function createEditor(host: HTMLElement, value: string, onChange: (value: string) => void): Promise<CodeEditor> {
  const textarea = document.createElement("textarea");
  textarea.className = "snippet-textarea";
  textarea.spellcheck = false;
  textarea.value = value;
  textarea.rows = Math.min(30, value.split("\n").length + 1);
  textarea.setAttribute("aria-label", "Snippet code");
  textarea.addEventListener("input", () => onChange(textarea.value));
  host.replaceChildren(textarea);
  return {
    getValue: () => textarea.value,
    setValue: (next) => {
      textarea.value = next;
      onChange(next);
    },
    focus: () => textarea.focus(),
  };
}
