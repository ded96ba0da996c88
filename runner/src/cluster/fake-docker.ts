/**
 * An in-process stand-in for the few Docker Engine API endpoints Offset calls, served on a unix socket so dockerode
 * talks to it exactly as to a real engine. For unit tests of our own logic only: it runs no images.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import Docker from "dockerode";

type PortBindings = Record<string, Array<{ HostIp?: string; HostPort: string }>>;

export interface FakeContainer {
  id: string;
  name: string;
  /** The body of POST /containers/create, as sent. */
  config: Docker.ContainerCreateOptions;
  running: boolean;
  started: boolean;
  exitCode: number;
  oomKilled: boolean;
  health?: "starting" | "healthy" | "unhealthy";
  networks: Set<string>;
  /** DNS aliases the container has on each of its networks (from the create call and each connect). */
  aliases: Map<string, string[]>;
  /** The host pid the engine reports while it runs (State.Pid); 0 when stopped. */
  pid: number;
  stdin: string;
  stdinClosed: boolean;
  attach?: net.Socket;
  listeners: net.Server[];
  waiters: Array<(code: number) => void>;
  /** Files GET /containers/{id}/archive serves, by absolute path (what the container's process "wrote"). */
  files: Map<string, string>;
}

export interface ContainerIo {
  stdout(text: string): void;
  stderr(text: string): void;
  exit(code: number, options?: { oomKilled?: boolean }): void;
}

export interface FakeBehaviour {
  /** Containers with a health check report healthy this long after they start; never when undefined. */
  healthyAfterMs?: number;
  /** Called once a started container's stdin has closed: the whole input the client sent. */
  onInput?(input: string, io: ContainerIo, container: FakeContainer): void;
  /** An error line in the pull stream instead of layers. */
  pullError?: string;
  /** An error line in the build stream instead of a built image. */
  buildError?: string;
  /** Called as a container starts, for images that do something without input (e.g. exit after writing files). */
  onStart?(container: FakeContainer, io: ContainerIo): void;
}

export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  /** The JSON body, parsed; undefined for other bodies. */
  body: unknown;
  /** The body as sent (a build context, for one). */
  raw: Buffer;
}

export class FakeDocker {
  readonly requests: FakeRequest[] = [];
  readonly containers = new Map<string, FakeContainer>();
  readonly networks = new Map<string, Docker.NetworkCreateOptions>();
  /** Named volumes: created by POST /volumes/create, or by a container that mounts one by name. */
  readonly volumes = new Set<string>();
  readonly images = new Set<string>();
  /** Labels of images built here (POST /build), by tag. */
  readonly imageLabels = new Map<string, Record<string, string>>();
  behaviour: FakeBehaviour;
  readonly socketPath: string;
  readonly docker: Docker;
  private readonly dir: string;
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextId = 1;
  private nextPid = 40_000;

  private constructor(behaviour: FakeBehaviour) {
    this.behaviour = behaviour;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "offset-fake-docker-"));
    this.socketPath = path.join(this.dir, "docker.sock");
    this.docker = new Docker({ socketPath: this.socketPath });
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.on("upgrade", (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.attach(req, socket, head));
  }

  /** Starts a fake engine; `close()` it after the test. */
  static async start(behaviour: FakeBehaviour = {}): Promise<FakeDocker> {
    const fake = new FakeDocker(behaviour);
    await new Promise<void>((resolve) => fake.server.listen(fake.socketPath, resolve));
    return fake;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    for (const c of this.containers.values()) {
      this.unpublish(c);
      c.attach?.destroy();
    }
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A container by id or name. */
  find(idOrName: string): FakeContainer | undefined {
    return this.containers.get(idOrName) ?? [...this.containers.values()].find((c) => c.name === idOrName);
  }

  /** Requests whose method and path match, e.g. calls("POST", /\/stop$/). */
  calls(method: string, pathPattern: RegExp): FakeRequest[] {
    return this.requests.filter((r) => r.method === method && pathPattern.test(r.path));
  }

  /** Ends a running container as its process would. */
  exit(container: FakeContainer, code: number, options: { oomKilled?: boolean } = {}): void {
    if (!container.running) return;
    container.running = false;
    container.pid = 0;
    container.exitCode = code;
    container.oomKilled = options.oomKilled ?? false;
    this.unpublish(container);
    container.attach?.end();
    for (const resolve of container.waiters.splice(0)) resolve(code);
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => (this.timers.delete(timer), run()), ms);
    this.timers.add(timer);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? "/", "http://docker");
    const route = url.pathname.replace(/^\/v1\.\d+/, "");
    const raw = Buffer.concat(chunks);
    const json = raw.length > 0 && (req.headers["content-type"] ?? "application/json").includes("json");
    const request: FakeRequest = {
      method: req.method ?? "GET",
      path: route,
      query: url.searchParams,
      body: json ? JSON.parse(raw.toString("utf8")) : undefined,
      raw,
    };
    this.requests.push(request);
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const missing = (what: string) => reply(404, { message: `No such ${what}` });
    const key = `${request.method} ${route}`;
    let m: RegExpExecArray | null;

    if (key === "GET /_ping") return void res.end("OK");
    if ((m = /^GET \/images\/(.+)\/json$/.exec(key))) {
      const image = decodeURIComponent(m[1]!);
      return this.images.has(image) ? reply(200, { Id: m[1], Config: { Labels: this.imageLabels.get(image) ?? null } }) : missing("image");
    }
    if (key === "POST /images/create") return this.pull(request, res);
    if (key === "POST /build") return this.build(request, res);
    if (key === "POST /networks/create") {
      const network = request.body as Docker.NetworkCreateOptions;
      if (this.networks.has(network.Name)) return reply(409, { message: "network exists" });
      this.networks.set(network.Name, network);
      return reply(201, { Id: network.Name });
    }
    if (key === "POST /volumes/create") {
      const name = (request.body as { Name: string }).Name;
      this.volumes.add(name);
      return reply(201, { Name: name, Driver: "local", Mountpoint: `/var/lib/docker/volumes/${name}/_data` });
    }
    if ((m = /^(GET|DELETE) \/volumes\/([^/]+)$/.exec(key))) {
      const name = decodeURIComponent(m[2]!);
      if (!this.volumes.has(name)) return missing("volume");
      if (m[1] === "DELETE") return (this.volumes.delete(name), reply(204));
      return reply(200, { Name: name, Driver: "local", Mountpoint: `/var/lib/docker/volumes/${name}/_data` });
    }
    if ((m = /^(GET|DELETE|POST) \/networks\/([^/]+)(\/connect)?$/.exec(key))) {
      const name = decodeURIComponent(m[2]!);
      if (!this.networks.has(name)) return missing("network");
      if (m[1] === "GET") return reply(200, { Name: name, ...this.networks.get(name) });
      if (m[1] === "DELETE") return (this.networks.delete(name), reply(204));
      const connect = request.body as Docker.NetworkConnectOptions & { EndpointConfig?: { Aliases?: string[] } };
      const container = this.find(connect.Container ?? "");
      if (!container) return missing("container");
      container.networks.add(name);
      container.aliases.set(name, connect.EndpointConfig?.Aliases ?? []);
      return reply(200);
    }
    if (key === "POST /containers/create") return this.create(request, reply);
    if (!(m = /^(GET|POST|DELETE) \/containers\/([^/]+)(?:\/(\w+))?$/.exec(key)))
      return reply(404, { message: `fake docker: no route ${key}` });
    const container = this.find(decodeURIComponent(m[2]!));
    if (!container) return missing("container");
    const action = `${m[1]} ${m[3] ?? ""}`.trim();
    switch (action) {
      case "GET json":
        return reply(200, inspect(container));
      case "POST start":
        return container.running ? reply(304) : (this.startContainer(container), reply(204));
      case "POST stop":
        return container.running ? (this.exit(container, 143), reply(204)) : reply(304);
      case "POST kill":
        return container.running ? (this.exit(container, 137), reply(204)) : reply(409, { message: "container is not running" });
      case "POST wait":
        if (!container.running) return reply(200, { StatusCode: container.exitCode });
        return void container.waiters.push((code) => reply(200, { StatusCode: code }));
      case "GET archive": {
        const file = request.query.get("path") ?? "";
        const content = container.files.get(file);
        if (content === undefined) return missing(`file ${file}`);
        res.writeHead(200, { "Content-Type": "application/x-tar" });
        return void res.end(tarOf(path.posix.basename(file), content));
      }
      case "DELETE":
        if (container.running && request.query.get("force") !== "true") return reply(409, { message: "container is running" });
        this.exit(container, 137);
        this.containers.delete(container.id);
        return reply(204);
    }
    return reply(404, { message: `fake docker: no route ${key}` });
  }

  private create(request: FakeRequest, reply: (status: number, body?: unknown) => void): void {
    const name = request.query.get("name") ?? `container-${this.nextId}`;
    if (this.find(name)) return reply(409, { message: `Conflict. The container name "/${name}" is already in use` });
    const config = request.body as Docker.ContainerCreateOptions;
    if (!config.Image || !this.images.has(config.Image)) return reply(404, { message: `No such image: ${config.Image}` });
    const id = `fake${String(this.nextId++).padStart(8, "0")}`;
    const primary = config.HostConfig?.NetworkMode ?? "bridge";
    const networks = new Set<string>([primary]);
    const endpoints = (config.NetworkingConfig?.EndpointsConfig ?? {}) as Record<string, { Aliases?: string[] }>;
    const aliases = new Map<string, string[]>([[primary, endpoints[primary]?.Aliases ?? []]]);
    // The engine creates a named volume the first time a container mounts it ("name:/path"; a path is a bind mount).
    for (const bind of config.HostConfig?.Binds ?? []) {
      const source = bind.split(":")[0] ?? "";
      if (source && !source.startsWith("/")) this.volumes.add(source);
    }
    this.containers.set(id, {
      id,
      name,
      config,
      running: false,
      started: false,
      exitCode: 0,
      oomKilled: false,
      networks,
      aliases,
      pid: 0,
      stdin: "",
      stdinClosed: false,
      listeners: [],
      waiters: [],
      files: new Map(),
    });
    reply(201, { Id: id, Warnings: [] });
  }

  private pull(request: FakeRequest, res: http.ServerResponse): void {
    const from = request.query.get("fromImage") ?? "";
    const tag = request.query.get("tag");
    const image = tag && !from.includes(":") ? `${from}:${tag}` : from;
    res.writeHead(200, { "Content-Type": "application/json" });
    if (this.behaviour.pullError) return void res.end(`${JSON.stringify({ error: this.behaviour.pullError })}\n`);
    const layers = ["a1", "b2", "c3"];
    for (const id of layers) res.write(`${JSON.stringify({ status: "Pulling fs layer", id })}\n`);
    for (const id of layers) res.write(`${JSON.stringify({ status: "Pull complete", id })}\n`);
    this.images.add(image);
    res.end(`${JSON.stringify({ status: `Status: Downloaded newer image for ${image}` })}\n`);
  }

  /** A build runs nothing: the image appears under its tag, with the labels the request asked for. */
  private build(request: FakeRequest, res: http.ServerResponse): void {
    const tag = request.query.get("t") ?? "";
    res.writeHead(200, { "Content-Type": "application/json" });
    if (this.behaviour.buildError) {
      const message = this.behaviour.buildError;
      res.write(`${JSON.stringify({ stream: "Step 1/2 : FROM scratch\n" })}\n`);
      return void res.end(`${JSON.stringify({ errorDetail: { message }, error: message })}\n`);
    }
    res.write(`${JSON.stringify({ stream: "Step 1/1 : FROM scratch\n" })}\n`);
    this.images.add(tag);
    this.imageLabels.set(tag, JSON.parse(request.query.get("labels") ?? "{}") as Record<string, string>);
    res.end(`${JSON.stringify({ stream: `Successfully tagged ${tag}\n` })}\n`);
  }

  private io(container: FakeContainer): ContainerIo {
    const frame = (stream: 1 | 2, text: string) => {
      const payload = Buffer.from(text);
      const header = Buffer.alloc(8);
      header.writeUInt8(stream, 0);
      header.writeUInt32BE(payload.length, 4);
      if (container.running && container.attach?.writable) container.attach.write(Buffer.concat([header, payload]));
    };
    return { stdout: (t) => frame(1, t), stderr: (t) => frame(2, t), exit: (code, o) => this.exit(container, code, o) };
  }

  private startContainer(container: FakeContainer): void {
    container.running = true;
    container.started = true;
    container.pid = this.nextPid++;
    // Published ports become loopback listeners, so TCP readiness probes behave as with a real engine.
    for (const bindings of Object.values((container.config.HostConfig?.PortBindings ?? {}) as PortBindings)) {
      for (const binding of bindings) {
        const listener = net.createServer((socket) => socket.destroy());
        listener.listen(Number(binding.HostPort), binding.HostIp || "127.0.0.1");
        container.listeners.push(listener);
      }
    }
    if (container.config.Healthcheck) {
      container.health = "starting";
      const after = this.behaviour.healthyAfterMs;
      if (after !== undefined) this.later(after, () => container.running && (container.health = "healthy"));
    }
    this.behaviour.onStart?.(container, this.io(container));
    this.maybeRun(container);
  }

  private unpublish(container: FakeContainer): void {
    for (const listener of container.listeners.splice(0)) listener.close();
  }

  /** The hijacked attach stream: 8-byte framed stdout/stderr out, raw stdin in (after the request body). */
  private attach(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const url = new URL(req.url ?? "/", "http://docker");
    const route = url.pathname.replace(/^\/v1\.\d+/, "");
    this.requests.push({ method: req.method ?? "POST", path: route, query: url.searchParams, body: undefined, raw: Buffer.alloc(0) });
    const container = this.find(decodeURIComponent(/^\/containers\/([^/]+)\/attach$/.exec(route)?.[1] ?? ""));
    if (!container) return void socket.end("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    socket.write("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n");
    container.attach = socket;
    let skip = Number(req.headers["content-length"] ?? 0);
    const take = (chunk: Buffer) => {
      const used = Math.min(skip, chunk.length);
      skip -= used;
      container.stdin += chunk.subarray(used).toString("utf8");
    };
    take(head);
    socket.on("data", take);
    socket.on("error", () => {});
    socket.on("end", () => {
      container.stdinClosed = true;
      this.maybeRun(container);
    });
  }

  private maybeRun(container: FakeContainer): void {
    if (!container.running || !container.stdinClosed || !this.behaviour.onInput) return;
    this.behaviour.onInput(container.stdin, this.io(container), container);
  }
}

/** A one-file ustar archive, as the engine's archive endpoint sends a single file. */
function tarOf(name: string, content: string): Buffer {
  const body = Buffer.from(content);
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, "utf8");
  header.write("0000644\0", 100, "ascii");
  header.write("0000000\0", 108, "ascii");
  header.write("0000000\0", 116, "ascii");
  header.write(`${body.length.toString(8).padStart(11, "0")}\0`, 124, "ascii");
  header.write("00000000000\0", 136, "ascii");
  header.write("0", 156, "ascii");
  header.write("ustar\u000000", 257, "binary");
  header.fill(" ", 148, 156);
  const sum = header.reduce((total, byte) => total + byte, 0);
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  const padding = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([header, body, padding, Buffer.alloc(1024)]);
}

function inspect(c: FakeContainer): Record<string, unknown> {
  return {
    Id: c.id,
    Name: `/${c.name}`,
    Config: { ...c.config, Labels: c.config.Labels ?? {} },
    HostConfig: c.config.HostConfig ?? {},
    State: {
      Status: c.running ? "running" : c.started ? "exited" : "created",
      Running: c.running,
      Pid: c.pid,
      ExitCode: c.exitCode,
      OOMKilled: c.oomKilled,
      ...(c.health ? { Health: { Status: c.health } } : {}),
    },
    NetworkSettings: { Networks: Object.fromEntries([...c.networks].map((n) => [n, { Aliases: c.aliases.get(n) ?? [] }])) },
  };
}
