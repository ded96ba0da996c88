/**
 * The output panel under a snippet: status line, elapsed time, the streamed log (stdout and stderr told apart by
 * colour AND a label), and auto-scroll that pauses while the learner reads earlier output.
 */
export type RunState = "running" | "ok" | "failed";

/** stderr lines that mean "the cluster is not there", not "your code is wrong". */
const CLUSTER_DOWN = /ECONNREFUSED|KafkaJSConnectionError|KafkaJSNumberOfRetriesExceeded|Connection timeout|KafkaJSBrokerNotFound/;

export class OutputPanel {
  private follow = true;
  private sawClusterError = false;
  private readonly root: HTMLElement;
  private readonly log: HTMLElement;
  private readonly jump: HTMLButtonElement;

  constructor(root: HTMLElement) {
    this.root = root;
    this.log = this.part("log");
    this.jump = root.querySelector<HTMLButtonElement>('[data-action="follow"]')!;
    this.log.addEventListener("scroll", () => {
      this.follow = this.log.scrollTop + this.log.clientHeight >= this.log.scrollHeight - 8;
      if (this.follow) this.jump.hidden = true;
    });
    this.jump.addEventListener("click", () => {
      this.follow = true;
      this.jump.hidden = true;
      this.log.scrollTop = this.log.scrollHeight;
    });
  }

  private part(name: string): HTMLElement {
    return this.root.querySelector<HTMLElement>(`[data-part="${name}"]`)!;
  }

  /** Clears the panel for a new run and shows it. */
  begin(): void {
    this.root.hidden = false;
    this.log.replaceChildren();
    this.log.dataset.empty = "true";
    this.follow = true;
    this.jump.hidden = true;
    this.sawClusterError = false;
    this.part("hint").hidden = true;
    this.part("check").hidden = true;
  }

  append(text: string, stream: "stdout" | "stderr"): void {
    delete this.log.dataset.empty;
    if (stream === "stderr" && CLUSTER_DOWN.test(text)) this.sawClusterError = true;
    const last = this.log.lastElementChild as HTMLElement | null;
    if (last && last.dataset.stream === stream) last.append(text);
    else {
      const span = document.createElement("span");
      span.dataset.stream = stream;
      if (stream === "stderr") span.title = "stderr";
      span.textContent = text;
      this.log.append(span);
    }
    if (this.follow) this.log.scrollTop = this.log.scrollHeight;
    else this.jump.hidden = false;
  }

  status(text: string, state: RunState): void {
    const status = this.part("status");
    status.textContent = text;
    status.dataset.state = state;
  }

  elapsed(ms: number): void {
    this.part("elapsed").textContent = `${(ms / 1000).toFixed(1)} s`;
  }

  /** After a failed run: say so plainly when the cause was the cluster rather than the learner's code. */
  explainFailure(): void {
    if (!this.sawClusterError) return;
    const hint = this.part("hint");
    hint.textContent =
      "Kafka did not answer. If you stopped a broker on purpose, that is the lesson; otherwise check the cluster panel or run `npm run cluster -- status`.";
    hint.hidden = false;
  }

  check(passed: boolean, message: string): void {
    const check = this.part("check");
    check.hidden = false;
    check.dataset.passed = String(passed);
    check.textContent = `${passed ? "✓ Check passed" : "✗ Check failed"}: ${message}`;
  }
}
