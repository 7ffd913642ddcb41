import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { parseStatusLine } from "../../../src/core/observe/parse-status-line.js";
import { STATUS_LINE_FORMS } from "../../../src/core/render/prompts.js";
import type { AgentStatus } from "../../../src/core/run/run-types.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const RED: AgentStatus = { kind: "tests-red" };
const GREEN: AgentStatus = { kind: "tests-green" };

function pushed(sha = SHA): AgentStatus {
  return { kind: "pushed", sha };
}

describe("parseStatusLine", () => {
  it.each<[string, string, AgentStatus]>([
    ["tests-red", "AFK-STATUS: tests-red", RED],
    ["tests-green", "AFK-STATUS: tests-green", GREEN],
    ["pushed with a full sha", `AFK-STATUS: pushed ${SHA}`, pushed()],
    [
      "blocked with a question",
      "AFK-STATUS: blocked: Which API version?",
      { kind: "blocked", question: "Which API version?" },
    ],
    [
      "gave-up with a reason",
      "AFK-STATUS: gave-up: the build needs a licence",
      { kind: "gave-up", why: "the build needs a licence" },
    ],
  ])("reads the documented form %s", (_form, message, expected) => {
    expect(parseStatusLine(message)).toEqual(expected);
  });

  it("reads every form the prompt teaches", () => {
    const filled = STATUS_LINE_FORMS.map((form) =>
      form.replace("<full commit sha>", SHA).replace(/<[^>]+>/, "some text"),
    );
    expect(filled.map((line) => parseStatusLine(line)?.kind)).toEqual([
      "tests-red",
      "tests-green",
      "pushed",
      "blocked",
      "gave-up",
    ]);
  });

  it.each<[string, string | null | undefined]>([
    ["null", null],
    ["undefined", undefined],
    ["empty", ""],
    ["prose only", "I fixed the bug and pushed."],
  ])("a message without a status line (%s) gives null", (_name, message) => {
    expect(parseStatusLine(message)).toBeNull();
  });

  it.each<[string, string, AgentStatus]>([
    ["the last valid line wins", "AFK-STATUS: tests-red\nwork\nAFK-STATUS: tests-green", GREEN],
    ["an invalid later line does not override", "AFK-STATUS: tests-green\nAFK-STATUS: done", GREEN],
    ["prose after the line does not matter", `AFK-STATUS: pushed ${SHA}\n\nThanks!`, pushed()],
    ["a line in a fenced example counts when it is the last", "Done.\n```\nAFK-STATUS: tests-red\n```", RED],
    ["CRLF line ends", "text\r\nAFK-STATUS: tests-green\r\n", GREEN],
  ])("%s", (_rule, message, expected) => {
    expect(parseStatusLine(message)).toEqual(expected);
  });

  it.each<[string, string, AgentStatus]>([
    ["surrounding whitespace", "   AFK-STATUS:   tests-green   ", GREEN],
    ["backticks around the line", `\`AFK-STATUS: pushed ${SHA}\``, pushed()],
    ["a double-backtick span around the line", "``AFK-STATUS: tests-red``", RED],
    ["backticks around the value", "AFK-STATUS: `tests-green`", GREEN],
    ["backticks around the sha", `AFK-STATUS: pushed \`${SHA}\``, pushed()],
    ["bold key with the colon inside", "**AFK-STATUS:** tests-green", GREEN],
    ["bold key with the colon outside", "**AFK-STATUS**: tests-green", GREEN],
    ["underscore-bold key", "__AFK-STATUS:__ tests-green", GREEN],
    ["the whole line bold", "**AFK-STATUS: tests-red**", RED],
    ["the whole line italic", "*AFK-STATUS: tests-red*", RED],
    ["bold value", "AFK-STATUS: **tests-green**", GREEN],
    ["a quote marker", "> AFK-STATUS: tests-green", GREEN],
    ["nested quote markers", ">> AFK-STATUS: tests-green", GREEN],
    ["a dash list marker", "- AFK-STATUS: tests-green", GREEN],
    ["a star list marker", "* AFK-STATUS: tests-green", GREEN],
    ["a quoted list item with backticks", "> - `AFK-STATUS: tests-green`", GREEN],
    ["a heading marker", "### AFK-STATUS: tests-green", GREEN],
    ["a lower-case key", "afk-status: tests-green", GREEN],
    ["an upper-case value", "AFK-STATUS: TESTS-GREEN", GREEN],
    ["no space after the colon", "AFK-STATUS:tests-red", RED],
    ["a space before the colon", "AFK-STATUS : tests-red", RED],
    ["a trailing full stop", "AFK-STATUS: tests-green.", GREEN],
    ["a remark after the value", "AFK-STATUS: tests-green (42 passed)", GREEN],
  ])("tolerates %s", (_rule, message, expected) => {
    expect(parseStatusLine(message)).toEqual(expected);
  });

  it.each<[string, string, AgentStatus]>([
    ["a 7-character sha", "AFK-STATUS: pushed abc1234", pushed("abc1234")],
    ["an upper-case sha, lower-cased", "AFK-STATUS: pushed ABC1234DEF", pushed("abc1234def")],
    ["a colon after pushed", "AFK-STATUS: pushed: abc1234", pushed("abc1234")],
    ["text after the sha", "AFK-STATUS: pushed abc1234 to main", pushed("abc1234")],
    ["a full stop after the sha", "AFK-STATUS: pushed abc1234.", pushed("abc1234")],
  ])("reads a push with %s", (_rule, message, expected) => {
    expect(parseStatusLine(message)).toEqual(expected);
  });

  it.each<[string, string, AgentStatus]>([
    ["text is trimmed", "AFK-STATUS: blocked:    which key?   ", { kind: "blocked", question: "which key?" }],
    [
      "blocked without a colon",
      "AFK-STATUS: blocked on the staging credentials",
      { kind: "blocked", question: "on the staging credentials" },
    ],
    ["gave up with a space", "AFK-STATUS: gave up: no test harness", { kind: "gave-up", why: "no test harness" }],
    ["gave-up without a colon", "AFK-STATUS: gave-up flaky infra", { kind: "gave-up", why: "flaky infra" }],
    [
      "a colon inside the text is kept",
      "AFK-STATUS: blocked: use v1: or v2?",
      { kind: "blocked", question: "use v1: or v2?" },
    ],
  ])("reads %s", (_rule, message, expected) => {
    expect(parseStatusLine(message)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["an unknown value", "AFK-STATUS: done"],
    ["an empty value", "AFK-STATUS:"],
    ["no colon after the key", "AFK-STATUS tests-green"],
    ["a key glued to a word", "XAFK-STATUS: tests-green"],
    ["a key in the middle of a line", "All done. AFK-STATUS: tests-green"],
    ["a longer word than the value", "AFK-STATUS: tests-greenish"],
    ["a hyphenated extension of the value", "AFK-STATUS: tests-green-ish"],
    ["pushed without a sha", "AFK-STATUS: pushed"],
    ["pushed with a 6-character sha", "AFK-STATUS: pushed abc123"],
    ["pushed with a 41-character sha", `AFK-STATUS: pushed ${SHA}0`],
    ["pushed with a non-hex sha", "AFK-STATUS: pushed abcdefg"],
    ["pushed with words instead of a sha", "AFK-STATUS: pushed to main"],
    ["blocked without text", "AFK-STATUS: blocked"],
    ["blocked with only a colon", "AFK-STATUS: blocked:   "],
    ["gave-up without text", "AFK-STATUS: gave-up:"],
    ["blocked glued to another word", "AFK-STATUS: blockedness"],
    ["a lone backtick around the line", "`AFK-STATUS: tests-green"],
    ["a list marker without a space", "-AFK-STATUS: tests-green"],
  ])("%s is not a status line", (_rule, message) => {
    expect(parseStatusLine(message)).toBeNull();
  });

  it("finds the last status line however much prose surrounds it", () => {
    const status = fc.constantFrom<[string, AgentStatus]>(
      ["AFK-STATUS: tests-red", RED],
      ["- **AFK-STATUS:** tests-green", GREEN],
      ["`AFK-STATUS: pushed abc1234`", pushed("abc1234")],
    );
    const prose = fc.string({ maxLength: 40 }).filter((s) => !/afk-status/i.test(s));
    fc.assert(
      fc.property(
        fc.array(prose, { maxLength: 5 }),
        status,
        fc.array(prose, { maxLength: 5 }),
        (before, [line, expected], after) => {
          const message = [...before, line, ...after].join("\n");
          expect(parseStatusLine(message)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
