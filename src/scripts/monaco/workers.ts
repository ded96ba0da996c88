/**
 * Web workers for Monaco, bundled by Vite. Only two exist: the core editor worker (diffing, word ranges) and the
 * TypeScript language service. Registering them before the first editor is created is what Monaco requires.
 */
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import TsWorker from "monaco-editor/languages/features/typescript/ts.worker?worker";

export function registerWorkers(): void {
  (self as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
    getWorker: (_id: string, label: string): Worker =>
      label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker(),
  };
}
