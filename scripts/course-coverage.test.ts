/** The course keeps every lesson checkable: CURRICULUM's 21 lessons, each with snippets, expectations and exercises. */
import { describe, expect, it } from "vitest";
import { coverage } from "./course-coverage.ts";

const lessons = coverage();

describe("course coverage", () => {
  it("has all 21 lessons", () => {
    expect(lessons.map((l) => l.id)).toHaveLength(21);
  });

  for (const lesson of lessons) {
    describe(lesson.id, () => {
      it("has at least two runnable snippets, each present, embedded and with an expectation", () => {
        expect(lesson.snippets.length).toBeGreaterThanOrEqual(2);
        for (const s of lesson.snippets) {
          expect(s.exists, `${s.file} is declared but missing`).toBe(true);
          expect(s.embedded, `${s.file} is declared but not embedded with <Snippet file="${s.file}" …/>`).toBe(true);
          expect(s.expectations, `${s.file} declares nothing a correct run shows (expect.stdout or expect.produced)`).toBeGreaterThan(0);
        }
      });

      it("has at least one exercise with starter, solution, check, hints, embedded in the page", () => {
        expect(lesson.exercises.length).toBeGreaterThanOrEqual(1);
        for (const e of lesson.exercises) {
          expect(e.starter, `${e.id}.ts is missing`).toBe(true);
          expect(e.solution, `${e.id}.solution.ts is missing`).toBe(true);
          expect(e.check, `${e.id}.check.ts is missing`).toBe(true);
          expect(e.hints, `${e.id} has no hints`).toBeGreaterThan(0);
          expect(e.embedded, `${e.id} is not embedded with <Exercise id="${e.id}" …>`).toBe(true);
        }
      });

      it("gives every exercise at least two wrong solutions for its check to reject", () => {
        for (const e of lesson.exercises) {
          expect(e.missingWrong, `${e.id}: declared wrong solutions are missing`).toEqual([]);
          expect(
            e.wrong,
            `${e.id} has ${e.wrong} wrong solutions (<id>.wrong-<what>.ts, declared under wrong:); it needs at least 2`,
          ).toBeGreaterThanOrEqual(2);
        }
      });

      it("has frontmatter the lesson schema accepts", () => {
        expect(lesson.schemaErrors).toEqual([]);
      });

      it("has no undeclared .ts files (every snippet is checked)", () => {
        expect(lesson.orphans).toEqual([]);
      });
    });
  }
});
