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
  // The engine reports a failed pull inside the stream (HTTP status 200), as an event with an `error` field.
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(
      stream,
      (error) => (error ? reject(error) : failure ? reject(new Error(failure)) : resolve()),
      (event: { id?: string; status?: string; error?: string }) => {
        failure ??= event.error;
        if (!event.id || !event.status) return;
        if (event.status === "Pulling fs layer" || event.status === "Waiting") layers.add(event.id);
        if (event.status === "Pull complete" || event.status === "Already exists") {
          layers.add(event.id);
          done.add(event.id);
          progress(`Pulling ${image}: ${done.size}/${layers.size} layers`);
        }
      },
    );
  });
  progress(`Pulled ${image} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}
