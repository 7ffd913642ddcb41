import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { THREAD_TITLE_MAX_CHARS, parseThreadTitle, toThreadTitle } from "../../../src/core/run/thread-title.js";
import type { IssueRef } from "../../../src/core/common/github-types.js";

// GitHub's longest names: owner 39 characters, repo 100.
const LONGEST_REPO = `${"o".repeat(39)}/${"r".repeat(100)}`;

describe("toThreadTitle", () => {
  it.each<[string, string, number, string, string]>([
    ["names the repo and issue before the title", "octo/app", 7, "Fix the crash", "afk octo/app#7: Fix the crash"],
    ["folds line breaks and runs of spaces", "octo/app", 7, "  Fix\n the\t\tcrash  ", "afk octo/app#7: Fix the crash"],
  ])("%s", (_rule, repo, issue, title, expected) => {
    expect(toThreadTitle(repo, issue, title)).toBe(expected);
  });

  it("bounds a long title with an ellipsis", () => {
    const title = toThreadTitle("octo/app", 7, "x".repeat(500));
    expect(title).toHaveLength(THREAD_TITLE_MAX_CHARS);
    expect(title.startsWith("afk octo/app#7: xxx")).toBe(true);
    expect(title.endsWith("…")).toBe(true);
  });

  it("never cuts the repo and issue, even for GitHub's longest names", () => {
    const title = toThreadTitle(LONGEST_REPO, 1_234_567_890, "A title that cannot fit");
    expect(parseThreadTitle(title)).toEqual({ repo: LONGEST_REPO, number: 1_234_567_890 });
  });
});

describe("parseThreadTitle", () => {
  it.each<[string, string, IssueRef | null]>([
    ["reads afk's own title", "afk octo/app#7: Fix the crash", { repo: "octo/app", number: 7 }],
    ["lower-cases the repo", "afk Octo/App#7: Fix", { repo: "octo/app", number: 7 }],
    ["reads a title without text", "afk octo/app#7", { repo: "octo/app", number: 7 }],
    [
      "accepts dots, dashes and underscores in names",
      "afk my-org/my_app.js#12: x",
      { repo: "my-org/my_app.js", number: 12 },
    ],
    ["rejects a title afk did not make", "Fix the crash", null],
    ["rejects another prefix", "AFK octo/app#7: x", null],
    ["rejects a prefix not at the start", "re: afk octo/app#7: x", null],
    ["rejects a missing issue number", "afk octo/app: x", null],
    ["rejects a number glued to text", "afk octo/app#7x: y", null],
    ["rejects a number cut by an ellipsis", "afk octo/app#12…", null],
    ["rejects a repo without an owner", "afk app#7: x", null],
  ])("%s", (_rule, title, expected) => {
    expect(parseThreadTitle(title)).toEqual(expected);
  });

  it("reads back the repo and issue of every title afk makes", () => {
    const owner = fc.stringMatching(/^[A-Za-z0-9-]{1,39}$/);
    const repo = fc.stringMatching(/^[A-Za-z0-9_.-]{1,100}$/);
    fc.assert(
      fc.property(
        owner,
        repo,
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.string({ maxLength: 200 }),
        (owner, repo, issue, title) => {
          const full = `${owner}/${repo}`;
          const made = toThreadTitle(full, issue, title);
          expect(made.length).toBeLessThanOrEqual(Math.max(THREAD_TITLE_MAX_CHARS, `afk ${full}#${issue}: …`.length));
          expect(parseThreadTitle(made)).toEqual({ repo: full.toLowerCase(), number: issue });
        },
      ),
      { numRuns: 300 },
    );
  });
});
