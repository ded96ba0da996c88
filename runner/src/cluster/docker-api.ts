/** What the docker cluster backend and the docker engine share: connecting, pinging, pulling, reading API errors. */
import Docker from "dockerode";
import type { Progress } from "./types.ts";

/** A client for the engine named by DOCKER_HOST, else the platform's default socket. */
export function connectDocker(): Docker {
  return new Docker();
}

/** True when the engine answers /_ping within `timeoutMs`; false when nothing listens or it hangs. */
export async function pingDocker(docker: Docker, timeoutMs = 1500): Promise<boolean> {
  try {
    // dockerode accepts an abortSignal here; its published types do not list the option yet.
    const client = docker as unknown as { ping(options: { abortSignal: AbortSignal }): Promise<unknown> };
    await client.ping({ abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}

/** Where the client looks for the engine, for error messages. */
export function engineAddress(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number };
  if (typeof modem.socketPath === "string") return modem.socketPath;
  return modem.host ? `${modem.host}:${modem.port ?? ""}` : "the default Docker socket";
}

/** The HTTP status of a failed API call, if it got that far. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" && error !== null && "statusCode" in error ? Number(error.statusCode) : undefined;
}

/** True when the engine itself could not be reached (not running, socket missing, permission denied). */
export function isConnectionError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : "";
  return ["ENOENT", "ECONNREFUSED", "ECONNRESET", "EACCES", "EPIPE", "ETIMEDOUT", "ABORT_ERR"].includes(code);
}

/** The engine's own message without docker-modem's "(HTTP code 404) no such container -" prefix. */
export function apiMessage(error: unknown): string {
  const json = typeof error === "object" && error !== null && "json" in error ? (error.json as { message?: string } | null) : null;
  if (json?.message) return json.message;
  return error instanceof Error ? error.message : String(error);
}

/** Resolves to undefined instead of rejecting when the engine answers 404. */
export async function unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

/** Pulls `image` unless the engine already has it, reporting layers as they complete. */
export async function ensureImage(docker: Docker, image: string, progress: Progress): Promise<void> {
  if (await unlessMissing(docker.getImage(image).inspect())) return;
  progress(`Pulling ${image} (first start only)…`);
  const started = Date.now();
  const stream = await docker.pull(image);
  const layers = new Set<string>();
  const done = new Set<string>();
  await follow(docker, stream, (event: { id?: string; status?: string }) => {
    if (!event.id || !event.status) return;
    if (event.status === "Pulling fs layer" || event.status === "Waiting") layers.add(event.id);
    if (event.status === "Pull complete" || event.status === "Already exists") {
      layers.add(event.id);
      done.add(event.id);
      progress(`Pulling ${image}: ${done.size}/${layers.size} layers`);
    }
  });
  progress(`Pulled ${image} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

export interface ImageBuild {
  /** Folder the paths in `src` are relative to. */
  context: string;
  /** The files sent to the engine (the Dockerfile among them); nothing else of `context` is. */
  src: string[];
  dockerfile: string;
  tag: string;
  labels?: Record<string, string>;
  args?: Record<string, string>;
}

/** Builds an image, reporting the Dockerfile's steps; a failed step rejects with the engine's message. */
export async function buildImage(docker: Docker, build: ImageBuild, progress: Progress): Promise<void> {
  const stream = await docker.buildImage(
    { context: build.context, src: build.src },
    { t: build.tag, dockerfile: build.dockerfile, labels: build.labels ?? {}, buildargs: build.args ?? {}, rm: true, forcerm: true },
  );
  await follow(docker, stream, (event: { stream?: string }) => {
    const line = event.stream?.trim();
    if (line && /^Step \d+\/\d+ : /.test(line)) progress(`Building ${build.tag}: ${line.length > 100 ? `${line.slice(0, 99)}…` : line}`);
  });
}

/** Reads a JSON progress stream (pull, build) to its end; an event with an `error` field fails it, though the HTTP status was 200. */
async function follow<E extends object>(docker: Docker, stream: NodeJS.ReadableStream, onEvent: (event: E) => void): Promise<void> {
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : failure ? reject(new Error(failure)) : resolve()),
      (event: E & { error?: string; errorDetail?: { message?: string } }) => {
        failure ??= event.error ?? event.errorDetail?.message;
        onEvent(event);
      },
    );
  });
}

/**
 * The text of one file in a container (running or not, volumes included), through the archive endpoint that
 * `docker cp` uses; undefined when the file does not exist.
 */
export async function readContainerFile(container: Docker.Container, file: string): Promise<string | undefined> {
  const stream = await unlessMissing(container.getArchive({ path: file }));
  if (!stream) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return firstTarFile(Buffer.concat(chunks))?.toString("utf8");
}

/** The content of the first regular file in a tar archive, skipping pax and GNU extension headers. */
export function firstTarFile(tar: Buffer): Buffer | undefined {
  for (let offset = 0; offset + 512 <= tar.length;) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) return undefined;
    const size = parseInt(header.toString("ascii", 124, 136).replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 0);
    if (type === "0" || type === "\0") return tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}
