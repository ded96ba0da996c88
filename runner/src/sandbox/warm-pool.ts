/**
 * Sandboxes started ahead of time. Each has already paid for Node's start-up and for importing kafkajs and lab
 * (bootstrap.mjs does both before it reads its request), so a run that takes one skips most of its start-up.
 * A warm sandbox is single-use: it serves one run and is then destroyed, so no state crosses between learners.
 */
import { recipeKey, type Recipe, type SandboxProcess } from "./sandbox-process.ts";

export class WarmPool {
  private readonly size: number;
  private readonly start: (recipe: Recipe) => SandboxProcess;
  private readonly idle: SandboxProcess[] = [];
  private recipe: Recipe | undefined;
  private closed = false;

  constructor(size: number, start: (recipe: Recipe) => SandboxProcess) {
    this.size = size;
    this.start = start;
  }

  /** Sandboxes waiting now. */
  get ready(): number {
    return this.idle.filter((sandbox) => sandbox.alive).length;
  }

  /**
   * A warm sandbox for `recipe`, or undefined (the caller starts one cold). Either way the pool is topped up in
   * the background. A new recipe (other brokers or limits) replaces the pool's sandboxes.
   */
  take(recipe: Recipe): SandboxProcess | undefined {
    if (this.size === 0 || this.closed) return undefined;
    if (!this.recipe || recipeKey(this.recipe) !== recipeKey(recipe)) {
      this.recipe = recipe;
      for (const stale of this.idle.splice(0)) void stale.dispose();
    }
    let found: SandboxProcess | undefined;
    while (!found && this.idle.length > 0) {
      const candidate = this.idle.shift()!;
      if (candidate.alive) found = candidate;
      else void candidate.dispose();
    }
    // Let the run that just got a sandbox start before a replacement competes with it for the CPU.
    setImmediate(() => this.fill());
    return found;
  }

  /** Starts sandboxes until the pool is full (for the last recipe seen). */
  fill(): void {
    if (this.closed || !this.recipe) return;
    for (let i = this.idle.length - 1; i >= 0; i--) if (!this.idle[i]!.alive) void this.idle.splice(i, 1)[0]!.dispose();
    while (this.idle.length < this.size) {
      const sandbox = this.start(this.recipe);
      // One that dies while idle is dropped at once, and replaced when the next run asks.
      sandbox.child.once("exit", () => {
        const at = this.idle.indexOf(sandbox);
        if (at !== -1) this.idle.splice(at, 1);
        void sandbox.dispose();
      });
      this.idle.push(sandbox);
    }
  }

  /** Fills the pool for `recipe` unless it already serves that recipe (then `take` keeps it topped up). */
  prime(recipe: Recipe): void {
    if (this.size === 0 || (this.recipe && recipeKey(this.recipe) === recipeKey(recipe))) return;
    for (const stale of this.idle.splice(0)) void stale.dispose();
    this.recipe = recipe;
    this.fill();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((sandbox) => sandbox.dispose()));
  }
}
