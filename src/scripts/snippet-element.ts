/**
 * <offset-snippet>: the static, highlighted code becomes an editor on first interaction (Edit, a click in the code,
 * or Run), and Run streams the output into the panel below. The editor loads lazily (editor.ts), never at page load.
 */
import { endReasonText, type RunEvent } from "../../runner/src/protocol/index.ts";
import type { CodeEditor } from "./editor-types.ts";
import { OutputPanel } from "./output-panel.ts";
import { RunError, streamRun } from "./run-client.ts";
import { loadEdit, recordProgress, saveEdit } from "./storage.ts";
import type { SnippetLang } from "./snippet-lang.ts";
import type { ServiceStatusView } from "../../runner/src/protocol/cluster.ts";

class OffsetSnippet extends HTMLElement {
  private original = "";
  private editor: CodeEditor | undefined;
  private opening: Promise<CodeEditor> | undefined;
  private controller: AbortController | undefined;
  private runId: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private output!: OutputPanel;

  /** The language the page rendered it in (from its file name, see snippet-lang.ts). */
  private get snippetLang(): SnippetLang {
    const lang = this.dataset.lang;
    return lang === "sh" || lang === "py" ? lang : "ts";
  }

  private get snippetId(): string {
    return this.dataset.snippetId ?? "";
  }

  connectedCallback(): void {
    this.original = JSON.parse(this.querySelector("script[data-original]")?.textContent ?? '""') as string;
    this.output = new OutputPanel(this.region("output"));
    this.button("run").addEventListener("click", () => void this.run());
    this.button("stop").addEventListener("click", () => void this.stop());
    this.button("edit").addEventListener("click", () => void this.openEditor(true));
    this.button("reset").addEventListener("click", () => this.reset());
    this.button("copy").addEventListener("click", () => void this.copy());
    this.region("static").addEventListener("click", (event) => {
      // The code block's own copy button and text selection are not requests to edit.
      if ((event.target as Element).closest("button") || String(getSelection() ?? "")) return;
      void this.openEditor(true);
    });
    this.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        void this.run();
      }
    });
    // An edit from an earlier visit shows at once, so nothing the learner wrote looks lost.
    if (loadEdit(this.snippetId) !== undefined) void this.openEditor(false);
    this.markModified();
    if (this.dataset.services && this.dataset.lesson) warmServices(this.dataset.lesson);
  }

  private button(name: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`[data-action="${name}"]`)!;
  }

  private region(name: string): HTMLElement {
    return this.querySelector<HTMLElement>(`[data-part="${name}"]`)!;
  }

  /** The code to run: the editor's text, else a saved edit, else the original. */
  code(): string {
    return this.editor?.getValue() ?? loadEdit(this.snippetId) ?? this.original;
  }

  private openEditor(focus: boolean): Promise<CodeEditor> {
    this.opening ??= this.createEditor().catch((error: unknown) => {
      this.opening = undefined;
      this.button("edit").textContent = "Edit";
      throw error;
    });
    if (focus) void this.opening.then((editor) => editor.focus());
    return this.opening;
  }

  private async createEditor(): Promise<CodeEditor> {
    const edit = this.button("edit");
    edit.textContent = "Loading editor…";
    edit.disabled = true;
    const host = this.region("editor");
    const { createEditor } = await import("./editor.ts");
    host.hidden = false;
    this.editor = await createEditor(host, this.code(), {
      lang: this.snippetLang,
      label: `Code of ${this.dataset.file ?? "the snippet"}. Ctrl+Enter runs it; Escape leaves the editor.`,
      onChange: (value) => {
        saveEdit(this.snippetId, value, this.original);
        this.markModified();
      },
      onRun: () => void this.run(),
      onLeave: () => this.button("run").focus(),
    });
    this.region("static").hidden = true;
    edit.hidden = true;
    this.dataset.editing = "true";
    return this.editor;
  }

  private markModified(): void {
    const modified = loadEdit(this.snippetId) !== undefined;
    this.region("modified").hidden = !modified;
    this.button("reset").disabled = !modified;
  }

  private reset(): void {
    saveEdit(this.snippetId, this.original, this.original);
    this.editor?.setValue(this.original);
    this.markModified();
  }

  private async copy(): Promise<void> {
    const button = this.button("copy");
    const copied = await navigator.clipboard.writeText(this.code()).then(
      () => true,
      () => false,
    );
    button.textContent = copied ? "Copied ✓" : "Copy failed";
    setTimeout(() => (button.textContent = "Copy"), 1500);
  }

  private async stop(): Promise<void> {
    if (this.runId) await fetch(`/api/runs/${this.runId}/cancel`, { method: "POST" }).catch(() => {});
    else this.controller?.abort();
  }

  async run(): Promise<void> {
    if (this.controller) return;
    // Run also loads the editor, so the learner can change what they just ran.
    void this.openEditor(false).catch(() => {});
    const code = this.code();
    this.controller = new AbortController();
    this.runId = undefined;
    this.setRunning(true);
    this.output.begin();
    const started = performance.now();
    this.output.status("Starting…", "running");
    this.timer = setInterval(() => this.output.elapsed(performance.now() - started), 100);
    this.dispatchEvent(new CustomEvent("offset:run-start", { bubbles: true }));
    try {
      await streamRun(code, {
        lang: this.snippetLang,
        exercise: this.dataset.exercise,
        lesson: this.dataset.lesson,
        signal: this.controller.signal,
        onRunId: (id) => (this.runId = id),
        onEvent: (event) => this.handle(event),
      });
    } catch (error) {
      const message = error instanceof RunError ? error.message : `Unexpected problem: ${String(error)}`;
      this.dataset.reason = "unreachable";
      this.output.status(message, "failed");
    } finally {
      clearInterval(this.timer);
      this.output.elapsed(performance.now() - started);
      this.controller = undefined;
      this.runId = undefined;
      this.setRunning(false);
      this.dispatchEvent(new CustomEvent("offset:run-end", { bubbles: true }));
    }
  }

  private handle(event: RunEvent): void {
    switch (event.event) {
      case "queue":
        this.output.status(
          event.data.position === 0
            ? "Next in line…"
            : `Waiting in line: ${event.data.position} run${event.data.position === 1 ? "" : "s"} ahead of yours`,
          "running",
        );
        break;
      case "service":
        this.output.status(event.data.text, "running");
        break;
      case "start":
        this.output.status("Running…", "running");
        break;
      case "stdout":
      case "stderr":
        this.output.append(event.data.text, event.event);
        break;
      case "kafka":
        this.dispatchEvent(new CustomEvent("offset:kafka", { detail: event.data, bubbles: true }));
        break;
      case "check":
        this.dataset.check = event.data.passed ? "passed" : "failed";
        this.output.check(event.data.passed, event.data.message);
        if (event.data.passed && this.dataset.exercise) recordProgress("passed", this.dataset.exercise);
        break;
      case "end": {
        const { reason, exitCode } = event.data;
        this.dataset.reason = reason;
        const detail = reason === "error" && exitCode !== null ? ` (exit code ${exitCode})` : "";
        this.output.status(`${endReasonText[reason]}${detail}`, reason === "ok" ? "ok" : "failed");
        if (reason === "ok") recordProgress("ran", this.snippetId);
        else this.output.explainFailure();
        break;
      }
    }
  }

  private setRunning(running: boolean): void {
    this.dataset.running = String(running);
    this.button("run").disabled = running;
    // Stop disappears when the run ends; keep a keyboard user's focus on the snippet rather than the page body.
    if (!running && document.activeElement === this.button("stop")) this.button("run").focus();
    this.button("stop").hidden = !running;
    if (running) {
      delete this.dataset.reason;
      delete this.dataset.check;
    }
  }
}

const warmed = new Set<string>();

/**
 * Asks the runner to start the companion services a lesson needs as soon as its page opens, once per page, so the
 * first Run does not wait for them, and shows their state in every snippet's toolbar until they are ready. A
 * failure here is not the learner's concern yet: the chip says so, and a run starts them again and reports why.
 */
function warmServices(lesson: string): void {
  if (warmed.has(lesson)) return;
  warmed.add(lesson);
  void (async () => {
    const response = await fetch("/api/services/warm", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ lesson }),
    }).catch(() => undefined);
    if (!response?.ok) return;
    let states = ((await response.json()) as { services: ServiceStatusView[] }).services;
    const names = states.map((s) => s.name);
    for (let polls = 0; polls < 150; polls++) {
      showServices(states);
      if (states.every((s) => s.state === "ready" || s.state === "failed")) return;
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const all = await fetch("/api/services")
        .then((r) => (r.ok ? (r.json() as Promise<{ services: ServiceStatusView[] }>) : undefined))
        .catch(() => undefined);
      if (all) states = all.services.filter((s) => names.includes(s.name));
    }
  })();
}

const STATE_WORDS: Record<ServiceStatusView["state"], string> = {
  stopped: "starting…",
  starting: "starting…",
  ready: "ready",
  stopping: "stopping…",
  failed: "did not start (Run says why)",
};

function showServices(states: ServiceStatusView[]): void {
  const text = states.map((s) => `${s.title}: ${STATE_WORDS[s.state]}`).join(" · ");
  const state = states.some((s) => s.state === "failed") ? "failed" : states.every((s) => s.state === "ready") ? "ready" : "starting";
  for (const chip of document.querySelectorAll<HTMLElement>('offset-snippet [data-part="services"]')) {
    chip.textContent = text;
    chip.dataset.state = state;
    chip.hidden = states.length === 0;
  }
}

// Last: defining the element upgrades the snippets already on the page, which use everything above.
if (!customElements.get("offset-snippet")) customElements.define("offset-snippet", OffsetSnippet);
