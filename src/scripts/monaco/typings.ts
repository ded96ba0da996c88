/**
 * What the editor's TypeScript service knows: kafkajs' published types, the `lab` module and a few Node globals.
 * The lab module is fed as its real source rather than a hand-written declaration, so the editor can never drift
 * from what the runner gives snippets.
 */
import type { typescriptDefaults as Defaults } from "monaco-editor/languages/features/typescript/register";
import kafkajsTypes from "kafkajs/types/index.d.ts?raw";

/** Every file of the lab module, so the editor resolves its own imports (quorum, raw requests) as the runner does. */
const labFiles = import.meta.glob<string>(["../../../runner/src/lab/*.ts", "!../../../runner/src/lab/*.test.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
});
import { nodeGlobals } from "./node-globals.ts";

/** ESNext modules with top-level await, strict, and no DOM: snippets run in Node. */
export function configureTypeScript(defaults: typeof Defaults): void {
  defaults.setCompilerOptions({
    target: 99, // ESNext
    module: 99, // ESNext: top-level await
    moduleResolution: 2, // Node: resolves "kafkajs" and "lab" from the file:///node_modules libraries below
    lib: ["esnext"],
    strict: true,
    noEmit: true,
    allowNonTsExtensions: true,
    allowImportingTsExtensions: true,
    skipLibCheck: true,
  });
  defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false });
  defaults.setEagerModelSync(true);
  // kafkajs references @types/node, which the editor does not load; node-globals stands in for it.
  defaults.addExtraLib(kafkajsTypes.replace(/^\/\/\/ <reference types="node" \/>\s*$/m, ""), "file:///node_modules/kafkajs/index.d.ts");
  for (const [file, source] of Object.entries(labFiles)) {
    defaults.addExtraLib(source, `file:///node_modules/lab/${file.slice(file.lastIndexOf("/") + 1)}`);
  }
  defaults.addExtraLib(nodeGlobals, "file:///node_modules/@types/offset-node/index.d.ts");
}
