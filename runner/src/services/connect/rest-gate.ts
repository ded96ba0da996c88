/**
 * The REST gate: a small HTTP proxy in the runner between learners' runs and the Kafka Connect worker, which has
 * no notion of users. A run gets LAB_CONNECT_URL = http://<gate>/s/<token>/, where the token is the session's
 * name and an HMAC of it under the runner's secret: the gate checks the HMAC (nothing to store, nothing lost on a
 * restart, and no session can make another's token), then lets through only what policy.ts allows for that
 * session, with the body it checked, re-serialised, so the worker reads exactly what was checked.
 */
import http from "node:http";
import { splitAddress } from "../../cluster/probe.ts";
import { GateServer, HttpFailure, json, parseJson, readBody, redact } from "../http-gate.ts";
import {
  CONNECTOR_CLASSES,
  Refusal,
  checkConfig,
  checkName,
  filterConnectorList,
  ownsConnector,
  route,
  hideSessionLogin,
  withSessionClients,
  withoutSessionClients,
  type SessionScope,
} from "./policy.ts";

export { gateToken, sessionOfToken } from "../gate-token.ts";

/** Larger than any FileStream configuration; a run cannot make the runner buffer more. */
export const MAX_BODY_BYTES = 64 * 1024;
/** The worker's own REST timeout is 90 s; a gate request gives up a little earlier with a clear answer. */
export const UPSTREAM_TIMEOUT_MS = 60_000;
export interface RestGateOptions {
  /** host:port of the worker's REST listener. */
  upstream: string;
  /** The scope of the session a token belongs to; undefined refuses the request. */
  scopeOf(token: string): SessionScope | undefined;
  /** One line per refusal, for the runner's log. */
  log?: (line: string) => void;
}

interface Upstream {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

export class RestGate {
  private readonly options: RestGateOptions;
  private readonly server: GateServer;

  constructor(options: RestGateOptions) {
    this.options = options;
    this.server = new GateServer((request, response) => this.handle(request, response), UPSTREAM_TIMEOUT_MS + 10_000);
  }

  /** Listens on host:port unless it does already. */
  listen(port: number, host = "127.0.0.1"): Promise<void> {
    return this.server.listen(port, host);
  }

  /** The port it listens on (the one the OS chose for port 0), or undefined. */
  get port(): number | undefined {
    return this.server.port;
  }

  get isListening(): boolean {
    return this.server.isListening;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    try {
      const url = new URL(request.url ?? "/", "http://gate");
      const match = /^\/s\/([^/]+)(\/.*)?$/.exec(url.pathname);
      const scope = match ? this.options.scopeOf(match[1]!) : undefined;
      if (!match || !scope) {
        throw new HttpFailure(403, "This is not your Connect address: use LAB_CONNECT_URL exactly as your run received it.");
      }
      const method = request.method ?? "GET";
      const target = route(scope, method, match[2] ?? "");
      if (target.kind === "refused") throw new HttpFailure(target.status, target.refusal.message);
      const body = await readBody(request, MAX_BODY_BYTES, "a connector configuration fits in far less.");
      const forwardPath = (match[2] ?? "/") + url.search;

      switch (target.kind) {
        case "root":
        case "plugins":
          return send(response, await this.upstream("GET", forwardPath));
        case "list": {
          const answer = await this.upstream("GET", forwardPath);
          if (answer.status !== 200) return send(response, answer);
          return json(response, 200, hideSessionLogin(scope, filterConnectorList(scope, JSON.parse(answer.body.toString("utf8")))));
        }
        case "validate": {
          const known = [...CONNECTOR_CLASSES.source, ...CONNECTOR_CLASSES.sink] as readonly string[];
          if (!known.includes(target.plugin)) {
            throw new HttpFailure(403, `Plugin ${target.plugin} is not installed here: validate FileStreamSource or FileStreamSink.`);
          }
          const config = withoutSessionClients(scope, parseJson(body));
          refuse(checkConfig(scope, config));
          return send(response, await this.upstream(method, forwardPath, config));
        }
        case "create": {
          const request = parseJson(body) as { name?: unknown; config?: unknown } | undefined;
          if (typeof request !== "object" || request === null)
            throw new HttpFailure(400, 'POST /connectors takes {"name": …, "config": {…}}.');
          refuse(checkName(scope, request.name));
          const name = request.name as string;
          const config = withoutSessionClients(scope, request.config);
          refuse(checkConfig(scope, config, name));
          await this.requireRoom(scope, name);
          return send(
            response,
            await this.upstream(method, forwardPath, { name, config: withSessionClients(scope, config as Record<string, unknown>) }),
          );
        }
        case "connector": {
          if (target.rest === "/config" && method === "PUT") {
            const config = withoutSessionClients(scope, parseJson(body));
            refuse(checkConfig(scope, config, target.name));
            await this.requireRoom(scope, target.name);
            return send(response, await this.upstream(method, forwardPath, withSessionClients(scope, config as Record<string, unknown>)));
          }
          const payload = body.length ? parseJson(body) : undefined;
          const answer = await this.upstream(method, forwardPath, payload);
          if (!scope.clients || !/json/.test(answer.contentType ?? "") || answer.body.length === 0) return send(response, answer);
          return json(response, answer.status, hideSessionLogin(scope, JSON.parse(answer.body.toString("utf8"))));
        }
      }
    } catch (error) {
      const failure =
        error instanceof HttpFailure
          ? error
          : new HttpFailure(502, `The Connect gate could not reach the worker: ${(error as Error).message}`);
      if (failure.status === 403)
        this.options.log?.(`[runner] Connect gate refused ${request.method} ${redact(request.url)}: ${failure.message}`);
      json(response, failure.status, { error_code: failure.status, message: failure.message });
    }
  }

  /** A session may hold `maxConnectors` at once; replacing one of its own is always allowed. */
  private async requireRoom(scope: SessionScope, name: string): Promise<void> {
    if (scope.maxConnectors === undefined) return;
    const answer = await this.upstream("GET", "/connectors");
    if (answer.status !== 200) return; // The create itself will report what is wrong.
    const names = (JSON.parse(answer.body.toString("utf8")) as string[]).filter((n) => ownsConnector(scope, n));
    if (!names.includes(name) && names.length >= scope.maxConnectors) {
      throw new HttpFailure(
        403,
        `You have ${names.length} connectors, the most a learner may have here. Delete one first (DELETE /connectors/<name>): ${names.join(", ")}.`,
      );
    }
  }

  private upstream(method: string, pathAndQuery: string, body?: unknown): Promise<Upstream> {
    const [host, port] = splitAddress(this.options.upstream);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const call = http.request(
        {
          host,
          port: Number(port),
          method,
          path: pathAndQuery,
          headers: {
            accept: "application/json",
            ...(payload ? { "content-type": "application/json", "content-length": payload.length } : {}),
          },
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on("data", (chunk: Buffer) => chunks.push(chunk));
          answer.once("end", () =>
            resolve({ status: answer.statusCode ?? 502, contentType: answer.headers["content-type"], body: Buffer.concat(chunks) }),
          );
          answer.once("error", reject);
        },
      );
      call.once("timeout", () =>
        call.destroy(new HttpFailure(504, `The Connect worker did not answer within ${UPSTREAM_TIMEOUT_MS / 1000} s; run again.`)),
      );
      call.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          error.code === "ECONNREFUSED"
            ? new HttpFailure(503, "The Connect worker is not running (it may be restarting); run again in a few seconds.")
            : error,
        ),
      );
      call.end(payload);
    });
  }
}

function refuse(refusal: Refusal | undefined): void {
  if (refusal) throw new HttpFailure(403, refusal.message);
}

function send(response: http.ServerResponse, answer: Upstream): void {
  response.writeHead(answer.status, { "content-type": answer.contentType ?? "application/json" });
  response.end(answer.body);
}
