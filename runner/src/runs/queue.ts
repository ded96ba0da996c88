/**
 * A bounded run queue with per-learner fairness: runs wait in one FIFO per session, and free workers take
 * sessions in turn, so one learner's burst cannot starve the others.
 */

export interface QueuedJob {
  session: string;
  /** Called with the number of runs ahead whenever it changes (0 = next). */
  onPosition(position: number): void;
  /** Starts the job; the returned promise settles when the worker is free again. */
  run(): Promise<void>;
}

export class RunQueue {
  private readonly waiting = new Map<string, QueuedJob[]>();
  private readonly turnOrder: string[] = [];
  /** Last position told to each waiting job, so a job hears only about changes. */
  private readonly told = new WeakMap<QueuedJob, number>();
  private active = 0;
  private size = 0;
  readonly concurrency: number;
  readonly limit: number;

  constructor(concurrency: number, limit: number) {
    this.concurrency = concurrency;
    this.limit = limit;
  }

  /** Runs executing now. */
  get running(): number {
    return this.active;
  }

  /** Runs waiting. */
  get queued(): number {
    return this.size;
  }

  /** Adds a job; returns false when the queue is full (the caller answers 429). */
  submit(job: QueuedJob): boolean {
    if (this.active < this.concurrency && this.size === 0) {
      this.launch(job);
      return true;
    }
    if (this.size >= this.limit) return false;
    const list = this.waiting.get(job.session);
    if (list) list.push(job);
    else {
      this.waiting.set(job.session, [job]);
      this.turnOrder.push(job.session);
    }
    this.size++;
    this.announce();
    return true;
  }

  /** Removes a job that has not started yet (its client went away). */
  withdraw(job: QueuedJob): void {
    const list = this.waiting.get(job.session);
    const index = list?.indexOf(job) ?? -1;
    if (!list || index === -1) return;
    list.splice(index, 1);
    this.size--;
    if (list.length === 0) this.dropSession(job.session);
    this.announce();
  }

  /** The order in which waiting jobs will start: one per session in turn. */
  order(): QueuedJob[] {
    const lists = this.turnOrder.map((session) => [...(this.waiting.get(session) ?? [])]);
    const result: QueuedJob[] = [];
    for (let round = 0; result.length < this.size; round++) {
      for (const list of lists) if (list[round]) result.push(list[round]!);
    }
    return result;
  }

  private next(): void {
    while (this.active < this.concurrency && this.size > 0) {
      const session = this.turnOrder.shift()!;
      const list = this.waiting.get(session)!;
      const job = list.shift()!;
      this.size--;
      if (list.length > 0) this.turnOrder.push(session);
      else this.waiting.delete(session);
      this.launch(job);
    }
    this.announce();
  }

  private launch(job: QueuedJob): void {
    this.active++;
    let running: Promise<void>;
    try {
      running = job.run();
    } catch {
      // A job that throws before returning a promise must still free its worker.
      running = Promise.resolve();
    }
    running
      .catch(() => {})
      .finally(() => {
        this.active--;
        this.next();
      });
  }

  private dropSession(session: string): void {
    this.waiting.delete(session);
    const at = this.turnOrder.indexOf(session);
    if (at !== -1) this.turnOrder.splice(at, 1);
  }

  private announce(): void {
    this.order().forEach((job, position) => {
      if (this.told.get(job) === position) return;
      this.told.set(job, position);
      job.onPosition(position);
    });
  }
}
