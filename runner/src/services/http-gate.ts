/**
 * What the runner's HTTP gates share (Kafka Connect's REST gate, the security gate): a small server on 127.0.0.1
 * with short timeouts and few connections, bounded JSON bodies, JSON errors that say what to do, and URLs that
 * leave the token's HMAC out of logs.
 */
import http from "node:http";

/** An answer other than success, with the status and the message the run gets. */
export class HttpFailure extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export class GateServer {
  private readonly handler: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;
  private readonly requestTimeoutMs: number;
  private server: http.Server | undefined;
  private listening: Promise<void> | undefined;

  constructor(handler: (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>, requestTimeoutMs: number) {
    this.handler = handler;
    this.requestTimeoutMs = requestTimeoutMs;
  }

  /** Listens on host:port unless it does already. */
  listen(port: number, host = "127.0.0.1"): Promise<void> {
    if (this.listening) return this.listening;
    const server = http.createServer((request, response) => void this.handler(request, response));
    server.headersTimeout = 10_000;
    server.requestTimeout = this.requestTimeoutMs;
    server.keepAliveTimeout = 5_000;
    server.maxConnections = 64;
    this.server = server;
    this.listening = new Promise<void>((resolve, reject) => {
      server.once("error", (error) => {
        this.server = undefined;
        this.listening = undefined;
        reject(error);
      });
      server.listen(port, host, () => resolve());
    });
    return this.listening;
  }

  /** The port it listens on (the one the OS chose for port 0), or undefined. */
  get port(): number | undefined {
    const address = this.server?.address();
    return typeof address === "object" && address ? address.port : undefined;
  }

  get isListening(): boolean {
    return this.server?.listening ?? false;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** Reads a request body of at most `maxBytes`; `hint` ends the 413 message for a body declared too large. */
export function readBody(request: http.IncomingMessage, maxBytes: number, hint = ""): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > maxBytes) {
      request.resume();
      reject(new HttpFailure(413, `The request body is larger than ${maxBytes} bytes${hint ? `; ${hint}` : "."}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped (the server's request timeout bounds it), so the answer arrives.
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) reject(new HttpFailure(413, `The request body is larger than ${maxBytes} bytes.`));
      else chunks.push(chunk);
    });
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

export function parseJson(body: Buffer): unknown {
  if (body.length === 0) throw new HttpFailure(400, "This request needs a JSON body (content-type: application/json).");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new HttpFailure(400, `The request body is not JSON: ${(error as Error).message}`);
  }
}

export function json(response: http.ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(body));
}

/** The URL without the token's HMAC, for logs. */
export function redact(url: string | undefined): string {
  return (url ?? "").replace(/^(\/s\/(?:[^/]*\.)?)[0-9a-f]+/, "$1…");
}
