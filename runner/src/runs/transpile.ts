/** TypeScript → ES module JavaScript with esbuild. Types are stripped, not checked: the editor shows type errors. */
import * as esbuild from "esbuild";

export type TranspileResult = { ok: true; code: string } | { ok: false; message: string };

/**
 * Turns a snippet into the module a run executes; a syntax error is returned as a learner-readable message, not
 * thrown. A shell or Python snippet becomes a module that hands the script to bash (lab/shell.ts) or Python
 * (lab/python.ts), which report their own errors.
 */
export async function transpile(source: string, lang: "ts" | "sh" | "py" = "ts"): Promise<TranspileResult> {
  if (lang === "sh") return { ok: true, code: `import { runShell } from "lab";\nawait runShell(${JSON.stringify(source)});\n` };
  if (lang === "py") return { ok: true, code: `import { runPython } from "lab";\nawait runPython(${JSON.stringify(source)});\n` };
  try {
    const result = await esbuild.transform(source, {
      loader: "ts",
      format: "esm",
      target: "node22",
      sourcefile: "snippet.ts",
      sourcemap: "inline",
    });
    return { ok: true, code: result.code };
  } catch (error) {
    const failure = error as esbuild.TransformFailure;
    const messages = (failure.errors ?? []).map((e) =>
      e.location ? `snippet.ts:${e.location.line}:${e.location.column + 1}: ${e.text}\n  ${e.location.lineText}` : e.text,
    );
    return { ok: false, message: messages.join("\n") || String(error) };
  }
}
