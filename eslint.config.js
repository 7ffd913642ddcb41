// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import { importX } from "eslint-plugin-import-x";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";

const adapterImports = {
  patterns: [
    {
      group: ["**/adapters/**", "**/shell/**", "**/app.js", "**/main.js"],
      message: "src/core is pure: it imports nothing from adapters, shell or wiring.",
    },
    {
      group: ["probot", "probot/*", "@octokit/*", "octokit", "undici", "undici/*", "@slack/*", "yaml", "nock"],
      message: "src/core is pure: no I/O libraries.",
    },
  ],
  paths: [
    { name: "node:http", message: "src/core is pure: no I/O." },
    { name: "node:https", message: "src/core is pure: no I/O." },
    { name: "node:net", message: "src/core is pure: no I/O." },
    { name: "node:fs", message: "src/core is pure: no I/O." },
    { name: "node:fs/promises", message: "src/core is pure: no I/O." },
    { name: "node:child_process", message: "src/core is pure: no I/O." },
    { name: "node:process", message: "src/core is pure: configuration comes in as an argument." },
    { name: "http", message: "src/core is pure: no I/O." },
    { name: "https", message: "src/core is pure: no I/O." },
    { name: "fs", message: "src/core is pure: no I/O." },
    { name: "process", message: "src/core is pure." },
  ],
};

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "node_modules/**", "reports/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "no-empty": ["error", { allowEmptyCatch: false }],
    },
  },
  {
    // No import circles anywhere in src: a circle is two concepts that cannot be read apart.
    files: ["src/**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      // STYLE habit 6: small files, one concept each.
      "max-lines": ["error", { max: 300 }],
    },
  },
  {
    // afk doctor's checks decide ✓/✗ and word the fix from what was read: as pure as the core.
    files: ["src/core/**/*.ts", "src/doctor/checks/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", adapterImports],
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
      "no-restricted-globals": [
        "error",
        { name: "process", message: "src/core is pure: no process.env; configuration is an argument." },
        { name: "fetch", message: "src/core is pure: no I/O." },
        { name: "setTimeout", message: "src/core is pure: no timers." },
        { name: "setInterval", message: "src/core is pure: no timers." },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Date", property: "now", message: "src/core is pure: `now` is an argument." },
        { object: "Math", property: "random", message: "src/core is pure: ids are derived, not drawn." },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "src/core is pure: `now` is an argument.",
        },
        { selector: "AwaitExpression", message: "src/core is pure: no await." },
      ],
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
);
