/**
 * Monaco with only what the course needs: the editor core, the TypeScript language (tokens and the language
 * service), shell and Python tokens for the CLI and Python snippets, and the handful of editor features a learner uses. This module is the editor chunk; nothing on the
 * page imports it until the learner interacts with a snippet.
 */
import * as monaco from "monaco-editor/editor";
import "monaco-editor/languages/definitions/typescript/register";
import "monaco-editor/languages/definitions/shell/register";
import "monaco-editor/languages/definitions/python/register";
import { typescriptDefaults } from "monaco-editor/languages/features/typescript/register";
import "monaco-editor/features/codicon/register";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/contextmenu/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/gotoError/register";
import "monaco-editor/features/hover/register";
import "monaco-editor/features/parameterHints/register";
import "monaco-editor/features/snippet/register";
import "monaco-editor/features/suggest/register";
import "monaco-editor/features/wordHighlighter/register";
// The suggest feature entry only adds inline suggestions; the completion widget itself lives here.
import "monaco-editor/editor/contrib/suggest/browser/suggestController";
import { followSiteTheme } from "./theme.ts";
import { configureTypeScript } from "./typings.ts";
import { registerWorkers } from "./workers.ts";

registerWorkers();
configureTypeScript(typescriptDefaults);
followSiteTheme(monaco.editor);

export { monaco };
