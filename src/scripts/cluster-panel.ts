/**
 * <offset-cluster>: the live cluster panel. Polls GET /api/cluster every second while a snippet runs (and for a
 * while after), slowly while the panel is merely visible, and not at all when it is off screen or the tab is
 * hidden. On fault-injection lessons it offers Stop/Start per broker.
 */
import type { ClusterView } from "../../runner/src/protocol/cluster.ts";
import { brokersTable, groupsSection, topicsSection, type BrokerBusy } from "./cluster-render.ts";

/** How soon a failed first read is tried again, whether or not the panel is on screen. */
const FIRST_READ_RETRY_MS = 2000;
const FAST_MS = 1000;
/** `freshTopic("x")`, `topic("x")`, `groupId("x")` in a snippet: the names the lesson works with. */
const NAME_CALL = /\b(?:freshTopic|topic|groupId)\(\s*["'`]([^"'`]+)["'`]/g;
const SLOW_MS = 10_000;
/** How long after a run or a broker action the panel keeps polling fast: elections and rebalances take seconds. */
const AFTERGLOW_MS = 20_000;

class OffsetCluster extends HTMLElement {
  private view: ClusterView | undefined;
  private lastJson = "";
  private controls = false;
  private busy: BrokerBusy | undefined;
  private activeRuns = 0;
  private fastUntil = 0;
  private visible = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  /** Topic and group names this page's snippets use; the rest of the cluster is summarised, collapsed. */
  private readonly pageNames = new Set<string>();

  connectedCallback(): void {
    for (const source of document.querySelectorAll("offset-snippet script[data-original]")) {
      for (const match of String(JSON.parse(source.textContent || '""')).matchAll(NAME_CALL)) this.pageNames.add(match[1]!);
    }
    document.addEventListener("offset:kafka", (event) => {
      const detail = (event as CustomEvent<{ topic?: string; groupId?: string }>).detail;
      const name = detail.topic ?? detail.groupId;
      if (name && !this.pageNames.has(name)) {
        this.pageNames.add(name);
        this.lastJson = "";
      }
    });
    document.addEventListener("offset:run-start", () => {
      this.activeRuns++;
      this.schedule(0);
    });
    document.addEventListener("offset:run-end", () => {
      this.activeRuns = Math.max(0, this.activeRuns - 1);
      this.fastUntil = Date.now() + AFTERGLOW_MS;
      this.schedule(0);
    });
    document.addEventListener("visibilitychange", () => this.schedule(0));
    new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      if (this.visible) this.schedule(0);
    }).observe(this);
    this.addEventListener("click", (event) => {
      const button = (event.target as Element).closest<HTMLButtonElement>("[data-broker-action]");
      if (button) void this.brokerAction(Number(button.dataset.brokerId), button.dataset.brokerAction as "stop" | "start");
    });
    void this.checkHealth();
    // One read at load, so the panel is filled by the time the learner scrolls to it.
    this.schedule(0);
  }

  private region(name: string): HTMLElement {
    return this.querySelector<HTMLElement>(`[data-part="${name}"]`)!;
  }

  /** Broker controls need both the lesson's permission and the server's (fault injection on, local brokers). */
  private async checkHealth(): Promise<void> {
    if (this.dataset.faultInjection !== "true") return;
    const health = (await fetch("/api/health")
      .then((r) => r.json())
      .catch(() => ({}))) as { faultInjection?: boolean };
    this.controls = health.faultInjection === true;
    this.region("fault-note").hidden = !this.controls;
    this.draw();
  }

  private interval(): number | undefined {
    if (document.hidden) return undefined;
    if (this.activeRuns > 0 || this.busy || Date.now() < this.fastUntil) return FAST_MS;
    return this.visible ? SLOW_MS : undefined;
  }

  private schedule(delay: number | undefined = this.interval()): void {
    clearTimeout(this.timer);
    if (delay !== undefined) this.timer = setTimeout(() => void this.poll(), delay);
  }

  private async poll(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      const response = await fetch("/api/cluster", { cache: "no-store" });
      const body = (await response.json().catch(() => ({}))) as ClusterView & { error?: string };
      if (!response.ok) throw new Error(body.error ?? `The runner answered ${response.status}.`);
      this.accept(body, body.error);
    } catch (error) {
      const message =
        error instanceof TypeError ? "Cannot reach the course runner. Is `npm start` still running?" : (error as Error).message;
      this.say(message, "failed");
      this.dataset.stale = "true";
    } finally {
      this.inFlight = false;
      // Until a first read has worked, keep trying even off screen: the panel must be ready when the learner
      // scrolls to it (and its Stop buttons exist to scroll to).
      this.schedule(this.view ? this.interval() : (this.interval() ?? FIRST_READ_RETRY_MS));
    }
  }

  private accept(view: ClusterView, problem: string | undefined): void {
    delete this.dataset.stale;
    const up = view.brokers.filter((b) => b.up).length;
    this.say(
      problem ?? `${up} of ${view.brokers.length} brokers up · updated ${new Date().toLocaleTimeString()}`,
      problem || up < view.brokers.length ? "failed" : "ok",
    );
    this.dataset.brokersUp = String(up);
    const json = JSON.stringify(view);
    if (json === this.lastJson) return;
    this.lastJson = json;
    this.view = view;
    document.dispatchEvent(new CustomEvent("offset:cluster", { detail: view }));
    this.draw();
  }

  private say(text: string, state: "ok" | "failed"): void {
    const status = this.region("status");
    status.textContent = text;
    status.dataset.state = state;
  }

  private draw(): void {
    if (!this.view) return;
    // Redrawing replaces the buttons; put keyboard focus back on the same broker's button.
    const focused = (document.activeElement as HTMLElement | null)?.dataset.brokerId;
    this.region("brokers").replaceChildren(brokersTable(this.view, this.controls, this.busy));
    const onPage = (name: string): boolean => this.pageNames.has(name) || [...this.pageNames].some((n) => name.endsWith(`.${n}`));
    const open = (kind: string): boolean => this.querySelector<HTMLDetailsElement>(`details[data-others="${kind}"]`)?.open ?? false;
    this.region("topics").replaceChildren(topicsSection(this.view, onPage, open("topics")));
    this.region("groups").replaceChildren(groupsSection(this.view, onPage, open("groups")));
    if (focused) this.querySelector<HTMLButtonElement>(`[data-broker-id="${focused}"]`)?.focus();
  }

  private async brokerAction(id: number, action: "stop" | "start"): Promise<void> {
    if (this.busy) return;
    this.busy = { id, action };
    this.draw();
    this.say(`${action === "stop" ? "Stopping" : "Starting"} broker ${id}… this takes a few seconds.`, "ok");
    try {
      const response = await fetch(`/api/cluster/brokers/${id}/${action}`, { method: "POST" });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: string };
        throw new Error(body.error ?? `The runner answered ${response.status}.`);
      }
      this.region("announce").textContent = `Broker ${id} ${action === "stop" ? "stopped" : "started"}.`;
    } catch (error) {
      this.region("announce").textContent = `Could not ${action} broker ${id}: ${(error as Error).message}`;
    } finally {
      this.busy = undefined;
      this.fastUntil = Date.now() + AFTERGLOW_MS;
      this.lastJson = "";
      this.draw();
      this.schedule(0);
    }
  }
}

if (!customElements.get("offset-cluster")) customElements.define("offset-cluster", OffsetCluster);
