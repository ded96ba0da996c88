/**
 * Keeps Monaco's colours in step with Starlight's light/dark switch (data-theme on <html>). The editor background
 * is taken from the page's own code background so an opened editor sits where the static code was.
 */
import type { editor as Editor } from "monaco-editor/editor";

function cssColor(variable: string, fallback: string): string {
  const probe = document.createElement("span");
  probe.style.color = `var(${variable}, ${fallback})`;
  document.body.append(probe);
  const rgb =
    getComputedStyle(probe)
      .color.match(/\d+(\.\d+)?/g)
      ?.map(Number) ?? [];
  probe.remove();
  if (rgb.length < 3) return fallback;
  return (
    "#" +
    rgb
      .slice(0, 3)
      .map((n) => Math.round(n).toString(16).padStart(2, "0"))
      .join("")
  );
}

function isDark(): boolean {
  return document.documentElement.dataset.theme !== "light";
}

function apply(editor: typeof Editor): void {
  const dark = isDark();
  const name = dark ? "offset-dark" : "offset-light";
  editor.defineTheme(name, {
    base: dark ? "vs-dark" : "vs",
    inherit: true,
    rules: [],
    colors: {
      "editor.background": cssColor("--offset-code-bg", dark ? "#011627" : "#fbfbfb"),
      "editorLineNumber.foreground": cssColor("--sl-color-gray-3", dark ? "#8b949e" : "#6e7781"),
    },
  });
  editor.setTheme(name);
}

/** Applies the current theme now and whenever the learner switches it. */
export function followSiteTheme(editor: typeof Editor): void {
  apply(editor);
  new MutationObserver(() => apply(editor)).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
}
