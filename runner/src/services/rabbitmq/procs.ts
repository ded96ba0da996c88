/**
 * Small pieces of state kept beside the node: the helper processes beam.smp runs (found in /proc), and the
 * sessions forgotten while the node was down, whose vhosts go at its next start.
 */
import fs from "node:fs";

/** Live descendants of `pid` (children, grandchildren, …), zombies left out. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name may hold spaces and parentheses: the fields start after the last ")".
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z") continue;
      const list = children.get(Number(ppid)) ?? [];
      list.push(Number(name));
      children.set(Number(ppid), list);
    } catch {
      // Exited while we looked.
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** A JSON list of session names in one file. */
export class PendingForgets {
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  list(): string[] {
    try {
      const value: unknown = JSON.parse(fs.readFileSync(this.file, "utf8"));
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
    } catch {
      return [];
    }
  }

  add(session: string): void {
    const list = this.list();
    if (!list.includes(session)) this.write([...list, session]);
  }

  remove(session: string): void {
    const list = this.list();
    if (list.includes(session)) this.write(list.filter((item) => item !== session));
  }

  private write(list: string[]): void {
    if (list.length === 0) {
      fs.rmSync(this.file, { force: true });
      return;
    }
    const temporary = `${this.file}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(list));
    fs.renameSync(temporary, this.file);
  }
}
