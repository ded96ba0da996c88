// Flat ESLint config with type-aware rules for the runner, the scripts and the site's client code.
import fs from "node:fs";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Exercise starters (`x.ts` beside `x.solution.ts`) are unfinished on purpose: their TODOs leave names unused
// and bugs in place for the learner to fix.
const starters = fs
  .globSync("content/lessons/**/*.solution.ts", { cwd: import.meta.dirname })
  .map((solution) => solution.replace(/\.solution\.ts$/, ".ts"));

export default tseslint.config(
  { ignores: ["dist/", ".astro/", "node_modules/", "e2e/artifacts/", "bench/results/", "**/*.mjs", "**/*.astro"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js"] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      // Lesson snippets and checks are teaching code that prints with console; that is their job.
      "no-console": "off",
    },
  },
  {
    files: ["content/**/*.ts"],
    // Lesson code has its own tsconfig (starters may leave names unused).
    languageOptions: { parserOptions: { projectService: false, project: "./tsconfig.content.json", tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      // kafkajs handlers are async by contract even when a teaching example awaits nothing.
      "@typescript-eslint/require-await": "off",
      // Printing numbers, bigints and buffers in template strings is what lesson output does.
      "@typescript-eslint/restrict-template-expressions": "off",
      // node:http ignores a handler's promise; in a snippet an unexpected rejection ends the run with its error
      // printed, which is the feedback a learner needs.
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    files: starters,
    rules: { "@typescript-eslint/no-unused-vars": "off", "@typescript-eslint/no-base-to-string": "off" },
  },
);
