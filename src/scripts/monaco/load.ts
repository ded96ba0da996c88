/**
 * Loads the Monaco bundle on demand. Monaco imports its own CSS; had the page's scripts imported it (even
 * dynamically), Astro would link that CSS into every lesson's <head> and the page would pay for the editor before
 * anyone asked for it. Built as a separate self-contained script (Vite's worker pipeline emits one IIFE with its CSS
 * inlined and its own workers beside it), it reaches the page only through this loader.
 */
import type { monaco as Monaco } from "./index.ts";
import bundleUrl from "./monaco-editor.ts?worker&url";

type MonacoApi = typeof Monaco;
let loading: Promise<MonacoApi> | undefined;

export function loadMonaco(): Promise<MonacoApi> {
  loading ??= new Promise<MonacoApi>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = bundleUrl;
    script.onload = () => {
      const api = (globalThis as { offsetMonaco?: MonacoApi }).offsetMonaco;
      if (api) resolve(api);
      else reject(new Error("The editor bundle loaded but did not start."));
    };
    script.onerror = () => {
      loading = undefined;
      script.remove();
      reject(new Error("The editor could not be downloaded. Check your connection and try again."));
    };
    document.head.append(script);
  });
  return loading;
}
