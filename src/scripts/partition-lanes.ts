/**
 * <offset-lanes>: where records land. One row per partition for each topic a run writes to, with a cell per
 * produced record (labelled with its offset) that fills in as the run goes. Inside a snippet it follows that
 * snippet; with data-scope="page" it follows every snippet on the page.
 */
import type { KafkaEvent } from "../../runner/src/protocol/index.ts";
import { h } from "./dom.ts";
import type { ClusterView } from "../../runner/src/protocol/cluster.ts";

/** Most cells drawn per partition; older ones are summarised as "+N earlier" so a busy run stays readable. */
const MAX_CELLS = 24;

interface Lane {
  cells: { offset: string }[];
  dropped: number;
}

class OffsetLanes extends HTMLElement {
  private topics = new Map<string, Map<number, Lane>>();
  private partitionCounts = new Map<string, number>();
  private frame = 0;
  private readonly onKafka = (event: Event): void => this.record((event as CustomEvent<KafkaEvent>).detail);
  private readonly onStart = (): void => this.clear();
  private readonly onCluster = (event: Event): void => {
    for (const t of (event as CustomEvent<Pick<ClusterView, "topics">>).detail.topics) {
      this.partitionCounts.set(t.name, t.partitions.length);
    }
  };

  private get scope(): EventTarget {
    return this.dataset.scope === "page" ? document : (this.closest("offset-snippet") ?? document);
  }

  connectedCallback(): void {
    this.scope.addEventListener("offset:kafka", this.onKafka);
    this.scope.addEventListener("offset:run-start", this.onStart);
    document.addEventListener("offset:cluster", this.onCluster);
  }

  disconnectedCallback(): void {
    this.scope.removeEventListener("offset:kafka", this.onKafka);
    this.scope.removeEventListener("offset:run-start", this.onStart);
    document.removeEventListener("offset:cluster", this.onCluster);
  }

  private clear(): void {
    this.topics.clear();
    this.hidden = true;
    this.replaceChildren();
  }

  /** Partition counts come from the cluster panel when the page has one; otherwise ask once per new topic. */
  private learnPartitions(topic: string): void {
    if (this.partitionCounts.has(topic)) return;
    this.partitionCounts.set(topic, 0);
    void fetch("/api/cluster")
      .then((r) => (r.ok ? (r.json() as Promise<ClusterView>) : undefined))
      .then((view) => {
        for (const t of view?.topics ?? [])
          if (t.name === topic || t.name.endsWith(`.${topic}`)) this.partitionCounts.set(topic, t.partitions.length);
        if (this.topics.size) this.render();
      })
      .catch(() => {});
  }

  private record(event: KafkaEvent): void {
    if (event.type !== "produced") return;
    this.learnPartitions(event.topic);
    const lanes = this.topics.get(event.topic) ?? new Map<number, Lane>();
    this.topics.set(event.topic, lanes);
    const lane = lanes.get(event.partition) ?? { cells: [], dropped: 0 };
    lanes.set(event.partition, lane);
    if (!lane.cells.some((c) => c.offset === event.offset)) lane.cells.push({ offset: event.offset });
    if (lane.cells.length > MAX_CELLS) lane.dropped += lane.cells.splice(0, lane.cells.length - MAX_CELLS).length;
    // Many records can arrive in one burst; draw once per frame.
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    this.hidden = false;
    const blocks = [...this.topics].map(([topic, lanes]) => {
      const known = this.partitionCounts.get(topic) ?? 0;
      const count = Math.max(known, ...[...lanes.keys()].map((p) => p + 1));
      const rows = Array.from({ length: count }, (_, partition) => this.row(partition, lanes.get(partition)));
      const total = [...lanes.values()].reduce((n, l) => n + l.cells.length + l.dropped, 0);
      const spread = known
        ? `in ${lanes.size} of ${known} partition${known === 1 ? "" : "s"}`
        : `in ${lanes.size} partition${lanes.size === 1 ? "" : "s"}`;
      return h(
        "div",
        { class: "lanes-topic" },
        h("p", { class: "lanes-title" }, h("code", {}, topic), ` · ${total} record${total === 1 ? "" : "s"} ${spread}`),
        h("ol", { class: "lanes-rows" }, ...rows),
      );
    });
    this.replaceChildren(h("p", { class: "lanes-heading" }, "Where records landed"), ...blocks);
  }

  private row(partition: number, lane: Lane | undefined): HTMLLIElement {
    const cells = lane?.cells ?? [];
    const label = lane
      ? `Partition ${partition}: offsets ${cells.map((c) => c.offset).join(", ")}${lane.dropped ? ` and ${lane.dropped} earlier` : ""}`
      : `Partition ${partition}: no records`;
    return h(
      "li",
      { class: "lanes-row", "aria-label": label },
      h("span", { class: "lanes-partition", "aria-hidden": "true" }, `P${partition}`),
      h(
        "span",
        { class: "lanes-cells", "aria-hidden": "true" },
        lane?.dropped ? h("span", { class: "lanes-more" }, `+${lane.dropped}`) : null,
        ...cells.map((c) => h("span", { class: "lanes-cell", title: `offset ${c.offset}` }, c.offset)),
      ),
    );
  }
}

if (!customElements.get("offset-lanes")) customElements.define("offset-lanes", OffsetLanes);
