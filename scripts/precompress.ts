/**
 * Writes a brotli (.br) and a gzip (.gz) copy beside every compressible file of the built site, so the runner
 * serves compressed bytes without compressing on each request (serveStatic's `precompressed`). Run after each
 * build by the Astro integration in astro.config.mjs; `node scripts/precompress.ts [dir]` does it by hand.
 */
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import zlib from "node:zlib";

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/** What gains from compression: text formats, and the fonts and wasm the editor loads. */
const COMPRESSIBLE = /\.(html|js|mjs|css|json|svg|txt|xml|map|ttf|wasm|webmanifest)$/;
/** Smaller files gain too little to be worth a second copy. */
const MIN_BYTES = 1024;
/** Brotli's best quality is slow on the editor's multi-megabyte workers; above this size they get quality 9. */
const BEST_QUALITY_MAX_BYTES = 512 * 1024;

export interface PrecompressResult {
  files: number;
  rawBytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile() && COMPRESSIBLE.test(entry.name)) yield full;
  }
}

/** Compresses every compressible file under `dir`; a copy that would not be smaller is not written. */
export async function precompress(dir: string): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, rawBytes: 0, brotliBytes: 0, gzipBytes: 0 };
  const files = [...walk(dir)];
  // A few at a time: enough to keep both cores busy, few enough not to hold every file in memory at once.
  for (let i = 0; i < files.length; i += 8) {
    await Promise.all(
      files.slice(i, i + 8).map(async (file) => {
        const raw = fs.readFileSync(file);
        if (raw.length < MIN_BYTES) return;
        const quality = raw.length > BEST_QUALITY_MAX_BYTES ? 9 : zlib.constants.BROTLI_MAX_QUALITY;
        const [br, gz] = await Promise.all([
          brotli(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
          gzip(raw, { level: 9 }),
        ]);
        if (br.length < raw.length) fs.writeFileSync(`${file}.br`, br);
        if (gz.length < raw.length) fs.writeFileSync(`${file}.gz`, gz);
        result.files++;
        result.rawBytes += raw.length;
        result.brotliBytes += Math.min(br.length, raw.length);
        result.gzipBytes += Math.min(gz.length, raw.length);
      }),
    );
  }
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = path.resolve(process.argv[2] ?? "dist");
  const started = Date.now();
  const r = await precompress(dir);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(
    `Compressed ${r.files} files in ${dir}: ${mb(r.rawBytes)} MB → ${mb(r.brotliBytes)} MB brotli, ${mb(r.gzipBytes)} MB gzip (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
}
