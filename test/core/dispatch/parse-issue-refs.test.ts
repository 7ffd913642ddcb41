import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  isIssueReferenced,
  parseIssueRefs,
  parseRefTokens,
  toUniqueRefs,
} from "../../../src/core/dispatch/parse-issue-refs.js";
import type { IssueRef } from "../../../src/core/common/github-types.js";

const REPO = "octo/app";

function ref(number: number, repo = REPO): IssueRef {
  return { repo, number };
}

const KEYWORDS = ["close", "closes", "closed", "fix", "fixes", "fixed", "resolve", "resolves", "resolved"];

describe("parseIssueRefs", () => {
  it.each(KEYWORDS)("the closing keyword %s closes the ref after it", (keyword) => {
    expect(parseIssueRefs(`${keyword} #12`, REPO)).toEqual([ref(12)]);
  });

  it.each(KEYWORDS.map((k) => k.toUpperCase()))("closing keywords are case-insensitive (%s)", (keyword) => {
    expect(parseIssueRefs(`${keyword}: #12`, REPO)).toEqual([ref(12)]);
  });

  it.each<[string, string, IssueRef[]]>([
    ["a colon may follow the keyword", "Fixes: #12", [ref(12)]],
    ["a colon with no space still counts", "Fixes:#12", [ref(12)]],
    ["owner/repo#N names that repo, lower-cased", "Fixes Other/Lib#3", [ref(3, "other/lib")]],
    ["a GitHub issue URL counts", "Closes https://github.com/Other/Lib/issues/3", [ref(3, "other/lib")]],
    ["a www GitHub URL counts", "Closes https://www.github.com/octo/app/issues/4#issuecomment-1", [ref(4)]],
    ["the keyword may sit mid-sentence", "Add retries; fixes #12.", [ref(12)]],
    ["the subject line counts", "Fix #12: handle empty bodies\n\nLonger text.", [ref(12)]],
    ["the trailer names an issue of the repo", "Add retries\n\nAFK-Issue: 12", [ref(12)]],
    ["the trailer accepts #N", "AFK-Issue: #12", [ref(12)]],
    ["the trailer accepts owner/repo#N", "AFK-Issue: Other/Lib#12", [ref(12, "other/lib")]],
    ["the trailer key is case-insensitive", "afk-issue:12", [ref(12)]],
    ["the trailer tolerates surrounding spaces", "  AFK-Issue :  12  ", [ref(12)]],
    ["the trailer ends at CRLF", "Subject\r\n\r\nAFK-Issue: 12\r\n", [ref(12)]],
    [
      "keywords and trailers merge in order of appearance",
      "Fixes #2\n\nAFK-Issue: 1\nCloses #3",
      [ref(2), ref(1), ref(3)],
    ],
    ["duplicates collapse to the first appearance", "Fixes #2, closes octo/app#2\n\nAFK-Issue: 2", [ref(2)]],
  ])("%s", (_rule, message, expected) => {
    expect(parseIssueRefs(message, REPO)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["a bare #N is a mention, not a closing reference", "See #12 for context"],
    ["a keyword glued to a longer word is no keyword", "prefixes #12, bugfix #13, unresolved #14"],
    ["a keyword must be followed by the ref", "Fixes the crash in #12"],
    ["a ref on the next line is not after the keyword", "Fixes\n#12"],
    ["#0 is no issue", "Fixes #0"],
    ["a ref glued to text is no ref", "Fixes#12"],
    ["a ref followed by letters is no ref", "Fixes #12abc"],
    ["a URL to a pull request is no issue", "Fixes https://github.com/octo/app/pull/12"],
    ["a URL on another host is not recognised", "Fixes https://gitlab.com/octo/app/issues/12"],
    ["a trailer with text after the ref is no trailer", "AFK-Issue: 12 and more"],
    ["a trailer must start its line", "Note AFK-Issue: 12"],
    ["a trailer value must be a number", "AFK-Issue: twelve"],
  ])("%s", (_rule, message) => {
    expect(parseIssueRefs(message, REPO)).toEqual([]);
  });

  it("one keyword closes only the first of a list, as on GitHub", () => {
    expect(parseIssueRefs("Fixes #1, #2 and fixes #3", REPO)).toEqual([ref(1), ref(3)]);
  });

  it("names a bare #N after the given repo in lower case", () => {
    expect(parseIssueRefs("Fixes #1\nAFK-Issue: 2", "Octo/App")).toEqual([ref(1), ref(2)]);
  });

  it("always returns unique refs that the message names", () => {
    const part = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom("Fixes", "closes:", "Resolved", "\n", "\nAFK-Issue:", ",", "#", "other/lib#"),
      fc.integer({ min: 0, max: 40 }).map(String),
    );
    fc.assert(
      fc.property(
        fc.array(part, { maxLength: 12 }).map((parts) => parts.join(" ")),
        (message) => {
          const refs = parseIssueRefs(message, REPO);
          const keys = refs.map((r) => `${r.repo}#${r.number}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const r of refs) expect(message).toContain(String(r.number));
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe("isIssueReferenced", () => {
  it.each<[string, string, IssueRef, boolean]>([
    ["a closing keyword references the issue", "Fixes #7", ref(7), true],
    ["the trailer references the issue", "Work\n\nAFK-Issue: 7", ref(7), true],
    ["another issue's number is no reference", "Fixes #8", ref(7), false],
    ["the same number in another repo is no reference", "Fixes other/lib#7", ref(7), false],
    ["a full ref to the repo matches regardless of case", "Fixes OCTO/App#7", ref(7, "Octo/App"), true],
    ["a bare mention is no reference", "Touches #7", ref(7), false],
  ])("%s", (_rule, message, target, expected) => {
    expect(isIssueReferenced(message, target)).toBe(expected);
  });
});

describe("parseRefTokens", () => {
  it("returns every ref in order, duplicates kept", () => {
    expect(parseRefTokens("#1 a/b#2 #1 (#3) **#4**", REPO)).toEqual([ref(1), ref(2, "a/b"), ref(1), ref(3), ref(4)]);
  });

  it.each(["page#3", "a/b/c#3", "x.a/b#3", "&#39;", "#3a", "##3", "#12345678901"])("%s is not a ref", (text) => {
    expect(parseRefTokens(text, REPO)).toEqual([]);
  });
});

describe("toUniqueRefs", () => {
  it("keeps the first appearance of each ref", () => {
    expect(toUniqueRefs([ref(2), ref(1), ref(2), ref(2, "a/b"), ref(1)])).toEqual([ref(2), ref(1), ref(2, "a/b")]);
  });
});
