import { describe, expect, it } from "vitest";
import { transpile } from "./transpile.ts";

describe("transpile", () => {
  it("strips types and keeps top-level await and imports", async () => {
    const result = await transpile('import { kafka } from "lab";\nconst n: number = await Promise.resolve(1);\nconsole.log(n, kafka);');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.code).toContain('from "lab"');
      expect(result.code).toContain("await Promise.resolve(1)");
      expect(result.code).not.toContain(": number");
    }
  });

  it("reports a syntax error with its line", async () => {
    const result = await transpile("const x = ;\n");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/snippet\.ts:1:\d+/);
  });

  it("hands a shell script to bash through lab, byte for byte", async () => {
    const script = 'set -x\necho "$LAB_BOOTSTRAP" `date` \\\n  && printf \'%s\\n\' "</script>"\n';
    const result = await transpile(script, "sh");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.code).toMatch(/^import \{ runShell \} from "lab";/);
    const literal = /runShell\((.*)\);/s.exec(result.code)?.[1];
    expect(JSON.parse(literal!)).toBe(script);
  });

  it("hands a Python script to python through lab, byte for byte", async () => {
    const script = 'import lab\nprint(f"{lab.BOOTSTRAP!r} \\u00e9 </script>")\n\tpass\n';
    const result = await transpile(script, "py");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.code).toMatch(/^import \{ runPython \} from "lab";/);
    const literal = /runPython\((.*)\);/s.exec(result.code)?.[1];
    expect(JSON.parse(literal!)).toBe(script);
  });
});
