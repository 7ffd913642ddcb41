import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseBlockers } from "../../../src/core/dispatch/parse-blockers.js";
import type { IssueRef } from "../../../src/core/common/github-types.js";

const REPO = "octo/app";

function ref(number: number, repo = REPO): IssueRef {
  return { repo, number };
}

describe("parseBlockers", () => {
  it.each([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["no clause", "Just a feature request. See #7 for context."],
  ])("a body with no clause (%s) has no blockers", (_name, body) => {
    expect(parseBlockers(body, REPO)).toEqual([]);
  });

  it.each<[string, string, IssueRef[]]>([
    ["a bare #N names the issue's own repo", "Blocked by #3", [ref(3)]],
    ["owner/repo#N names that repo, lower-cased", "Blocked by Other/Lib#10", [ref(10, "other/lib")]],
    [
      "commas, and, & and whitespace all separate",
      "Blocked by #3, #4 and other/lib#10 & #5 #6",
      [ref(3), ref(4), ref(10, "other/lib"), ref(5), ref(6)],
    ],
    ["the key is case-insensitive", "BLOCKED BY #3", [ref(3)]],
    ["a hyphen joins the key", "blocked-by #3", [ref(3)]],
    ["a colon may follow the key", "Blocked by: #3", [ref(3)]],
    ["several spaces inside the key", "Blocked   by #3", [ref(3)]],
    ["markdown list and bold around the clause", "- **Blocked by** #3", [ref(3)]],
    ["bold including the colon", "* **Blocked by:** #3, #4", [ref(3), ref(4)]],
    ["the clause may start mid-line", "This is blocked by #3.", [ref(3)]],
    ["refs later on the clause's line count", "Blocked by #3 (the API), and also #4", [ref(3), ref(4)]],
    [
      "a GitHub issue URL in the clause counts",
      "Blocked by https://github.com/Other/Lib/issues/12",
      [ref(12, "other/lib")],
    ],
    ["the repo is lower-cased for #N", "Blocked by #3", [ref(3)]],
  ])("%s", (_rule, body, expected) => {
    expect(parseBlockers(body, REPO)).toEqual(expected);
  });

  it("names a bare #N after the given repo in lower case", () => {
    expect(parseBlockers("Blocked by #3", "Octo/App")).toEqual([ref(3)]);
  });

  it.each<[string, string, IssueRef[]]>([
    ["refs on other lines are ignored", "Blocked by #3\nSee #7 for context", [ref(3)]],
    ["refs before the clause on its line are ignored", "See #7; blocked by #3", [ref(3)]],
    ["#0 is no issue", "Blocked by #0, #3", [ref(3)]],
    ["a ref glued to a word is not a ref", "Blocked by page#3 and a/b/c#4 and #5a", []],
    ["an HTML entity is not a ref", "Blocked by &#39;quotes&#39; #3", [ref(3)]],
    ["unblocked is not blocked", "Unblocked by #3", []],
    ["the key split across lines is not a clause", "Blocked\nby #3", []],
    [
      "duplicates collapse to the first appearance",
      "Blocked by #4, #3\nBlocked by #3, OCTO/APP#4, #5",
      [ref(4), ref(3), ref(5)],
    ],
    [
      "several clauses in one body all count",
      "Blocked by #3\ntext\n- blocked by other/lib#2",
      [ref(3), ref(2, "other/lib")],
    ],
    ["a self-reference stays in (the policy decides)", "Blocked by #9", [ref(9)]],
    ["CRLF line ends end the clause too", "Blocked by #3\r\nSee #7", [ref(3)]],
  ])("%s", (_rule, body, expected) => {
    expect(parseBlockers(body, REPO)).toEqual(expected);
  });

  it.each<[string, string, IssueRef[]]>([
    ["inline code hides a clause", "Write `Blocked by #3` to declare one.", []],
    ["inline code hides a ref inside a clause", "Blocked by `#3` and #4", [ref(4)]],
    ["a double-backtick span may hold a single backtick", "Blocked by ``a ` #3`` and #4", [ref(4)]],
    ["an unmatched backtick hides nothing", "Blocked by #3 ` and #4", [ref(3), ref(4)]],
    ["a fenced block hides clauses", "```\nBlocked by #3\n```\nBlocked by #4", [ref(4)]],
    ["a tilde fence hides clauses", "~~~md\nBlocked by #3\n~~~\nBlocked by #4", [ref(4)]],
    ["a shorter fence does not close a longer one", "````\n```\nBlocked by #3\n````\nBlocked by #4", [ref(4)]],
    ["the other fence character does not close", "```\n~~~\nBlocked by #3\n```\nBlocked by #4", [ref(4)]],
    [
      "a fence line with text after it does not close",
      "```\n``` Blocked by #3\nBlocked by #5\n```\nBlocked by #4",
      [ref(4)],
    ],
    ["an unclosed fence runs to the end", "Blocked by #4\n```\nBlocked by #3", [ref(4)]],
    [
      "a fence inside a quote or list hides clauses",
      "> ```\n> Blocked by #3\n> ```\n  ```\n  Blocked by #5\n  ```\nBlocked by #4",
      [ref(4)],
    ],
    ["a one-line triple-backtick span is not a fence", "```x``` here\nBlocked by #4", [ref(4)]],
    ["an HTML comment hides a clause", "<!-- e.g. Blocked by #123 -->\nBlocked by #4", [ref(4)]],
    ["a multi-line HTML comment keeps the lines after it", "<!--\nBlocked by #1\n-->\nBlocked by #4", [ref(4)]],
    ["an unclosed HTML comment runs to the end", "Blocked by #4\n<!-- Blocked by #3", [ref(4)]],
    ["a comment inside a fence is code, not a comment", "```\n<!--\n```\nBlocked by #4\n-->", [ref(4)]],
  ])("%s", (_rule, body, expected) => {
    expect(parseBlockers(body, REPO)).toEqual(expected);
  });

  const lineArb = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom("Blocked by", "blocked-by:", "- **Blocked by**", "```", "`", "<!--", "-->", "and", "&", ","),
    fc
      .tuple(fc.constantFrom("#", "other/lib#", "Octo/App#"), fc.integer({ min: 0, max: 50 }))
      .map(([p, n]) => `${p}${n}`),
  );
  const bodyArb = fc
    .array(
      fc.array(lineArb, { maxLength: 6 }).map((parts) => parts.join(" ")),
      { maxLength: 8 },
    )
    .map((lines) => lines.join("\n"));

  it("returns no duplicates, only positive numbers, and only refs the body names", () => {
    fc.assert(
      fc.property(bodyArb, (body) => {
        const refs = parseBlockers(body, REPO);
        const keys = refs.map((r) => `${r.repo}#${r.number}`);
        expect(new Set(keys).size).toBe(keys.length);
        const lower = body.toLowerCase();
        for (const r of refs) {
          expect(r.number).toBeGreaterThan(0);
          expect(lower).toContain(r.repo === REPO ? `#${r.number}` : `${r.repo}#${r.number}`);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("finds every ref of a plain clause, in order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 8 }), (numbers) => {
        const unique = [...new Set(numbers)];
        expect(parseBlockers(`Blocked by ${numbers.map((n) => `#${n}`).join(", ")}`, REPO)).toEqual(
          unique.map((n) => ref(n)),
        );
      }),
      { numRuns: 300 },
    );
  });
});
