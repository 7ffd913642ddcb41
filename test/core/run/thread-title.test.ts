import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseThreadTitle, THREAD_TITLE_MAX_CHARS, toThreadTitle } from "../../../src/core/run/thread-title.js";

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
    expect(title.startsWith(`afk ${LONGEST_REPO}#1234567890: `)).toBe(true);
  });

  it("keeps the head of every title afk makes whole", () => {
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
          expect(made.startsWith(`afk ${full}#${issue}: `)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("parseThreadTitle", () => {
  it("reads back the repo and issue afk put at the head of its title", () => {
    expect(parseThreadTitle(toThreadTitle("acme/widgets", 42, "Make: widgets #7 spin"))).toEqual({
      repo: "acme/widgets",
      issue: 42,
    });
  });

  it.each(["Refactor the parser", "afk acme/widgets: no issue", "afk #4: no repo", ""])(
    "is null for a title afk did not write: %j",
    (title) => {
      expect(parseThreadTitle(title)).toBeNull();
    },
  );
});
