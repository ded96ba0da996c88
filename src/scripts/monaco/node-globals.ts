/**
 * The few Node globals a snippet uses, as a declaration file for the editor. The full @types/node is about 2 MB;
 * snippets need console, process, timers and Buffer, and kafkajs' own types need `tls` and `net` to exist.
 */
export const nodeGlobals = `
interface Console {
  log(...data: unknown[]): void;
  info(...data: unknown[]): void;
  warn(...data: unknown[]): void;
  error(...data: unknown[]): void;
  debug(...data: unknown[]): void;
  table(data: unknown, columns?: string[]): void;
  time(label?: string): void;
  timeEnd(label?: string): void;
}
declare var console: Console;

interface WritableStream { write(chunk: string | Uint8Array): boolean; }
declare var process: {
  env: Record<string, string | undefined>;
  argv: string[];
  exitCode: number | undefined;
  stdout: WritableStream;
  stderr: WritableStream;
  exit(code?: number): never;
  on(event: "SIGINT" | "SIGTERM" | "exit" | "beforeExit", listener: (...args: unknown[]) => void): void;
  hrtime: { bigint(): bigint };
  memoryUsage(): { rss: number; heapUsed: number; heapTotal: number };
};

declare namespace NodeJS { interface Timeout { ref(): this; unref(): this; hasRef(): boolean; } }
declare function setTimeout(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout;
declare function clearTimeout(timeout: NodeJS.Timeout | undefined): void;
declare function setInterval(callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout;
declare function clearInterval(timeout: NodeJS.Timeout | undefined): void;
declare function setImmediate(callback: (...args: unknown[]) => void): unknown;
declare function structuredClone<T>(value: T): T;
declare function queueMicrotask(callback: () => void): void;

type BufferEncoding = "utf8" | "utf-8" | "hex" | "base64" | "base64url" | "latin1" | "binary" | "ascii";
interface Buffer extends Uint8Array {
  toString(encoding?: BufferEncoding, start?: number, end?: number): string;
  toJSON(): { type: "Buffer"; data: number[] };
  equals(other: Uint8Array): boolean;
  readInt32BE(offset?: number): number;
  writeInt32BE(value: number, offset?: number): number;
}
declare var Buffer: {
  from(data: string, encoding?: BufferEncoding): Buffer;
  from(data: ArrayLike<number> | ArrayBuffer): Buffer;
  alloc(size: number, fill?: number): Buffer;
  isBuffer(value: unknown): value is Buffer;
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer;
  byteLength(value: string, encoding?: BufferEncoding): number;
};

declare class TextEncoder { encode(input?: string): Uint8Array; }
declare class TextDecoder { constructor(label?: string); decode(input?: Uint8Array): string; }
declare class URL { constructor(url: string, base?: string); href: string; host: string; pathname: string; searchParams: URLSearchParams; }
declare class URLSearchParams { get(name: string): string | null; set(name: string, value: string): void; toString(): string; }

declare module "tls" { interface ConnectionOptions { [option: string]: unknown } }
declare module "net" { interface Socket { [member: string]: unknown } }
`;
