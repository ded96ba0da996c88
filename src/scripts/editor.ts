/**
 * The code editor: Monaco with kafkajs and `lab` types. The snippet element imports this module dynamically on a
 * learner's first interaction; Monaco itself arrives through monaco/load.ts.
 */
import type { CodeEditor, EditorHooks } from "./editor-types.ts";
import { loadMonaco } from "./monaco/load.ts";
import type { SnippetLang } from "./snippet-lang.ts";

let models = 0;
const MONACO_LANGUAGES: Record<SnippetLang, string> = { ts: "typescript", sh: "shell", py: "python" };

export async function createEditor(host: HTMLElement, value: string, hooks: EditorHooks): Promise<CodeEditor> {
  const monaco = await loadMonaco();
  // Each snippet gets its own file so the language service treats it as a separate module.
  const model = monaco.editor.createModel(
    value,
    MONACO_LANGUAGES[hooks.lang],
    monaco.Uri.parse(`file:///snippet-${++models}.${hooks.lang}`),
  );
  host.replaceChildren();
  const editor = monaco.editor.create(host, {
    model,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 14,
    lineNumbersMinChars: 3,
    tabSize: 2,
    fixedOverflowWidgets: true,
    renderLineHighlightOnlyWhenFocus: true,
    padding: { top: 10, bottom: 10 },
    overviewRulerLanes: 0,
    hideCursorInOverviewRuler: true,
    overviewRulerBorder: false,
    scrollbar: { alwaysConsumeMouseWheel: false, useShadows: false, verticalScrollbarSize: 10, horizontalScrollbarSize: 10 },
    // On a phone, sideways scrolling inside a page that scrolls is fiddly; wrap instead.
    wordWrap: host.clientWidth < 560 ? "on" : "off",
    ariaLabel: hooks.label,
  });
  // The editor grows with its content, so the page scrolls rather than a box inside it.
  const fit = (): void => {
    const scrollbar = editor.getLayoutInfo().horizontalScrollbarHeight;
    host.style.height = `${Math.min(640, Math.max(120, editor.getContentHeight() + scrollbar))}px`;
  };
  editor.onDidContentSizeChange(fit);
  fit();
  editor.onDidChangeModelContent(() => hooks.onChange(editor.getValue()));
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => hooks.onRun());
  // Tab indents inside the editor, so Escape is the keyboard way out (when no popup is open to close first).
  editor.addCommand(
    monaco.KeyCode.Escape,
    () => hooks.onLeave(),
    "!suggestWidgetVisible && !parameterHintsVisible && !findWidgetVisible && !markersNavigationVisible",
  );
  return {
    getValue: () => editor.getValue(),
    setValue: (next) => editor.setValue(next),
    focus: () => editor.focus(),
  };
}
