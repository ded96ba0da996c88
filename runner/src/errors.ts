/**
 * Faults the API reports. A route's own bad-input errors are `ApiError`s that carry their status (Hono's model);
 * faults of the layers below are typed by kind (`QueueFullError` here, `ClusterError` in cluster/) and `app.ts`
 * alone maps them to a status. Anything else becomes a 500 with no internals in the body.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 429 | 503;
  readonly headers: Record<string, string>;

  constructor(status: ApiError["status"], message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** The run queue is full: the learner should try again shortly (429 with Retry-After). */
export class QueueFullError extends Error {
  override readonly name = "QueueFullError";
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds = 5) {
    super("Too many runs are waiting. Try again in a few seconds.");
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
