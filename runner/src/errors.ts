/**
 * Runner faults the API reports. `app.ts` is the one place that maps them to HTTP responses; anything else
 * becomes a 500 with no internals in the body.
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
