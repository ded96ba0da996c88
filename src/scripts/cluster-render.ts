/** Draws GET /api/cluster as tables: brokers, the learner's topics with their partitions, and consumer groups. */
import type { ClusterView, GroupView, PartitionView } from "../../runner/src/protocol/cluster.ts";
import { h } from "./dom.ts";

/** A table with a caption; `hideCaption` when a visible heading already names it (screen readers still get it). */
const table = (caption: string, head: string[], rows: Node[], hideCaption = false): HTMLTableElement =>
  h(
    "table",
    { class: "cluster-table" },
    h("caption", { class: hideCaption ? "sr-only" : undefined }, caption),
    h("thead", {}, h("tr", {}, ...head.map((c) => h("th", { scope: "col", "data-col": c.toLowerCase() }, c)))),
    h("tbody", {}, ...rows),
  );

const ids = (list: number[]): string => (list.length ? list.join(", ") : "none");

/** One broker row; the actions cell holds Stop/Start only when fault injection is on for this lesson. */
export interface BrokerBusy {
  id: number;
  action: "stop" | "start";
}

export function brokersTable(view: ClusterView, controls: boolean, busy: BrokerBusy | undefined): HTMLTableElement {
  const head = ["Broker", "Status", "Role", "Address", ...(controls ? ["Fault injection"] : [])];
  const rows = view.brokers.map((b) =>
    h(
      "tr",
      { "data-broker": String(b.id), "data-up": String(b.up) },
      h("th", { scope: "row" }, `Broker ${b.id}`),
      h("td", {}, h("span", { class: "cluster-state", "data-state": b.up ? "up" : "down" }, b.up ? "Up" : "Down")),
      h("td", {}, b.controller ? h("span", { class: "cluster-badge" }, "Controller") : b.up ? "Broker" : "—"),
      h("td", { "data-col": "address" }, h("code", {}, b.address)),
      controls ? h("td", {}, brokerButton(b.id, b.up ? "stop" : "start", busy)) : null,
    ),
  );
  return table("Brokers", head, rows, true);
}

function brokerButton(id: number, current: "stop" | "start", busy: BrokerBusy | undefined): HTMLButtonElement {
  const working = busy?.id === id;
  // While busy the button keeps the action in progress, whatever the last poll said about the broker.
  const action = working ? busy.action : current;
  const label = working
    ? action === "stop"
      ? `Stopping broker ${id}…`
      : `Starting broker ${id}…`
    : action === "stop"
      ? `Stop broker ${id}`
      : `Start broker ${id}`;
  return h(
    "button",
    {
      type: "button",
      class: "snippet-button",
      "data-broker-action": action,
      "data-broker-id": String(id),
      disabled: busy !== undefined,
      "aria-busy": working ? "true" : undefined,
    },
    label,
  );
}

function partitionRow(p: PartitionView, brokersUp: Set<number>): HTMLTableRowElement {
  const under = p.isr.length < p.replicas.length;
  const offline = p.leader < 0 || !brokersUp.has(p.leader);
  return h(
    "tr",
    { "data-partition": String(p.partition), "data-leader": String(p.leader) },
    h("th", { scope: "row" }, String(p.partition)),
    h("td", { "data-state": offline ? "down" : undefined }, offline ? "none (offline)" : `Broker ${p.leader}`),
    h("td", {}, ids(p.replicas)),
    h(
      "td",
      { "data-state": under ? "warn" : undefined },
      ids(p.isr),
      under ? h("span", { class: "cluster-note" }, " under-replicated") : null,
    ),
    h("td", { class: "cluster-num" }, p.endOffset),
  );
}

/** Whether a cluster name belongs to this page; classroom mode prefixes names with the learner's session. */
export type IsOnPage = (name: string) => boolean;

function others(kind: string, count: number, open: boolean, body: Node): HTMLDetailsElement {
  return h(
    "details",
    { class: "cluster-others", "data-others": kind, open },
    h("summary", {}, `Other ${kind} on the cluster (${count})`),
    body,
  );
}

export function topicsSection(view: ClusterView, onPage: IsOnPage, othersOpen: boolean): HTMLElement {
  const up = new Set(view.brokers.filter((b) => b.up).map((b) => b.id));
  const mine = view.topics.filter((t) => onPage(t.name));
  const rest = view.topics.filter((t) => !onPage(t.name));
  const tables = mine.map((t) =>
    table(
      `Topic ${t.name} (${t.partitions.length} partition${t.partitions.length === 1 ? "" : "s"})`,
      ["Partition", "Leader", "Replicas", "In-sync replicas", "End offset"],
      t.partitions.map((p) => partitionRow(p, up)),
    ),
  );
  const summary = rest.map((t) => {
    const under = t.partitions.filter((p) => p.isr.length < p.replicas.length).length;
    const records = t.partitions.reduce((n, p) => n + BigInt(p.endOffset), 0n);
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, h("code", {}, t.name)),
      h("td", { class: "cluster-num" }, String(t.partitions.length)),
      h("td", { class: "cluster-num" }, String(records)),
      h("td", { "data-state": under ? "warn" : undefined }, under ? `${under} under-replicated` : "all in sync"),
    );
  });
  return h(
    "div",
    {},
    ...(tables.length ? tables : [h("p", { class: "cluster-empty" }, "This page's topics appear here once a snippet creates them.")]),
    rest.length
      ? others("topics", rest.length, othersOpen, table("Other topics", ["Topic", "Partitions", "Records", "Replicas"], summary))
      : null,
  );
}

function groupBlock(g: GroupView): HTMLElement {
  const members = g.members.map((m) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, h("code", {}, m.clientId)),
      h("td", {}, m.assignments.map((a) => `${a.topic} [${a.partitions.join(", ")}]`).join("; ") || "nothing yet"),
    ),
  );
  const lag = g.lag.map((l) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, `${l.topic} / ${l.partition}`),
      h("td", { class: "cluster-num" }, l.committed),
      h("td", { class: "cluster-num", "data-state": l.lag > 0 ? "warn" : undefined }, String(l.lag)),
    ),
  );
  return h(
    "div",
    { class: "cluster-group" },
    h("h4", {}, `Group ${g.groupId} · ${g.state}`),
    members.length
      ? table(`Members of ${g.groupId}`, ["Client", "Assigned partitions"], members)
      : h("p", { class: "cluster-empty" }, "No members right now."),
    lag.length ? table(`Committed offsets and lag of ${g.groupId}`, ["Topic / partition", "Committed", "Lag"], lag) : null,
  );
}

export function groupsSection(view: ClusterView, onPage: IsOnPage, othersOpen: boolean): HTMLElement {
  const mine = view.groups.filter((g) => onPage(g.groupId));
  const rest = view.groups.filter((g) => !onPage(g.groupId));
  const summary = rest.map((g) =>
    h(
      "tr",
      {},
      h("th", { scope: "row" }, h("code", {}, g.groupId)),
      h("td", {}, g.state),
      h("td", { class: "cluster-num" }, String(g.members.length)),
      h("td", { class: "cluster-num" }, String(g.lag.reduce((n, l) => n + l.lag, 0))),
    ),
  );
  return h(
    "div",
    {},
    ...(mine.length
      ? mine.map(groupBlock)
      : [h("p", { class: "cluster-empty" }, "Consumer groups from this page appear here while they exist.")]),
    rest.length
      ? others("groups", rest.length, othersOpen, table("Other consumer groups", ["Group", "State", "Members", "Total lag"], summary))
      : null,
  );
}
