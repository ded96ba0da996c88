/**
 * <offset-snippet>: the static, highlighted code becomes an editor on first interaction, and Run streams the
 * output into the panel below. The editor itself loads lazily (see editor.ts), never at page load.
 */
import { endReasonText, type RunEvent } from "../../runner/src/protocol/index.ts";
import { RunError, streamRun } from "./run-client.ts";
import { loadEdit, recordProgress, saveEdit } from "./storage.ts";
import type { CodeEditor } from "./editor-types.ts";

class OffsetSnippet extends HTMLElement {
  private original = "";
  private editor: CodeEditor | undefined;
  private controller: AbortController | undefined;
  private runId: string | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private followOutput = true;

  private get snippetId(): string {
    return this.dataset.snippetId ?? "";
  }

  connectedCallback(): void {
    this.original = JSON.parse(this.querySelector("script[data-original]")?.textContent ?? '""') as string;
    this.button("run").addEventListener("click", () => void this.run());
    this.button("stop").addEventListener("click", () => void this.stop());
    this.button("edit").addEventListener("click", () => void this.openEditor(true));
    this.button("reset").addEventListener("click", () => void this.reset());
    this.button("copy").addEventListener("click", () => void this.copy());
    this.addEventListener("keydown", (event) => {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        void this.run();
      }
    });
    const log = this.region("log");
    log.addEventListener("scroll", () => {
      this.followOutput = log.scrollTop + log.clientHeight >= log.scrollHeight - 8;
    });
    // An edit from an earlier visit shows at once, so nothing the learner wrote looks lost.
    if (loadEdit(this.snippetId) !== undefined) void this.openEditor(false);
    this.markModified();
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

  private async openEditor(focus: boolean): Promise<CodeEditor> {
    if (!this.editor) {
      const host = this.region("editor");
      const { createEditor } = await import("./editor.ts");
      this.editor = await createEditor(host, this.code(), (value) => {
        saveEdit(this.snippetId, value, this.original);
        this.markModified();
      });
      this.region("static").hidden = true;
      host.hidden = false;
      this.button("edit").hidden = true;
    }
    if (focus) this.editor.focus();
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
    await navigator.clipboard.writeText(this.code()).catch(() => {});
    const button = this.button("copy");
    button.textContent = "Copied";
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
    const panel = this.region("output");
    panel.hidden = false;
    const log = this.region("log");
    log.replaceChildren();
    this.followOutput = true;
    const started = performance.now();
    this.status("Starting…", "running");
    this.timer = setInterval(() => this.elapsed(performance.now() - started), 100);
    this.dispatchEvent(new CustomEvent("offset:run-start", { bubbles: true }));
    try {
      await streamRun(code, {
        exercise: this.dataset.exercise,
        signal: this.controller.signal,
        onRunId: (id) => (this.runId = id),
        onEvent: (event) => this.handle(event),
      });
    } catch (error) {
      const message = error instanceof RunError ? error.message : `Unexpected problem: ${String(error)}`;
      this.status(message, "failed");
    } finally {
      clearInterval(this.timer);
      this.elapsed(performance.now() - started);
      this.controller = undefined;
      this.runId = undefined;
      this.setRunning(false);
      this.dispatchEvent(new CustomEvent("offset:run-end", { bubbles: true }));
    }
  }

  private handle(event: RunEvent): void {
    switch (event.event) {
      case "queue":
        this.status(event.data.position === 0 ? "Next in line…" : `Waiting: ${event.data.position} run${event.data.position === 1 ? "" : "s"} ahead`, "running");
        break;
      case "start":
        this.status("Running…", "running");
        break;
      case "stdout":
      case "stderr":
        this.appendOutput(event.data.text, event.event);
        break;
      case "kafka":
        this.dispatchEvent(new CustomEvent("offset:kafka", { detail: event.data, bubbles: true }));
        break;
      case "check":
        this.dataset.check = event.data.passed ? "passed" : "failed";
        this.region("check").hidden = false;
        this.region("check").textContent = `${event.data.passed ? "✓ Check passed" : "✗ Check failed"}: ${event.data.message}`;
        this.region("check").dataset.passed = String(event.data.passed);
        if (event.data.passed && this.dataset.exercise) recordProgress("passed", this.dataset.exercise);
        break;
      case "end": {
        const { reason, exitCode } = event.data;
        this.dataset.reason = reason;
        const detail = reason === "error" && exitCode !== null ? ` (exit code ${exitCode})` : "";
        this.status(`${endReasonText[reason]}${detail}`, reason === "ok" ? "ok" : "failed");
        if (reason === "ok") recordProgress("ran", this.snippetId);
        break;
      }
    }
  }

  private appendOutput(text: string, stream: "stdout" | "stderr"): void {
    const log = this.region("log");
    const last = log.lastElementChild as HTMLElement | null;
    if (last && last.dataset.stream === stream) last.append(text);
    else {
      const span = document.createElement("span");
      span.dataset.stream = stream;
      span.textContent = text;
      log.append(span);
    }
    if (this.followOutput) log.scrollTop = log.scrollHeight;
  }

  private status(text: string, state: "running" | "ok" | "failed"): void {
    const status = this.region("status");
    status.textContent = text;
    status.dataset.state = state;
  }

  private elapsed(ms: number): void {
    this.region("elapsed").textContent = `${(ms / 1000).toFixed(1)} s`;
  }

  private setRunning(running: boolean): void {
    this.dataset.running = String(running);
    this.button("run").disabled = running;
    this.button("stop").hidden = !running;
    if (running) {
      this.region("check").hidden = true;
      delete this.dataset.reason;
      delete this.dataset.check;
    }
  }
}

if (!customElements.get("offset-snippet")) customElements.define("offset-snippet", OffsetSnippet);
