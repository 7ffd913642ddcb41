import { describe, it, expect } from "vitest";
import { renderEarlierAttemptNotice, renderNotActingNotice } from "../../../src/core/render/slack-notices.js";

const REPO = "acme/widgets";
const TOO_OLD = "T3 is version 0.0.20; afk needs 0.0.29 or later";

describe("renderNotActingNotice", () => {
  it.each([
    [
      "not-enrolled",
      "reply",
      "afk is not acting on acme/widgets now: the repository is not on afk's allowlist; your reply was not passed on.",
    ],
    [
      "not-enrolled",
      "press",
      "afk is not acting on acme/widgets now: the repository is not on afk's allowlist; your button press was ignored.",
    ],
    [
      "refused",
      "reply",
      `afk is not acting on acme/widgets now: afk refuses to act (${TOO_OLD}); your reply was not passed on.`,
    ],
  ] as const)("says why (%s) and that the %s was not acted on", (kind, act, expected) => {
    const why = kind === "refused" ? { kind, reason: TOO_OLD } : { kind };
    expect(renderNotActingNotice(REPO, why, act)).toBe(expected);
  });

  it("escapes Slack's control characters in what it quotes", () => {
    const notice = renderNotActingNotice("acme/widgets", { kind: "refused", reason: "<!channel> & <@U1>" }, "reply");
    expect(notice).toContain("(&lt;!channel&gt; &amp; &lt;@U1&gt;)");
    expect(notice).not.toContain("<!channel>");
  });
});

describe("renderEarlierAttemptNotice", () => {
  it.each([
    [
      "reply",
      "This doorbell rang for attempt 1 of acme/widgets#42, which is over: afk works on a later attempt now, and your reply was not passed on.",
    ],
    [
      "press",
      "This doorbell rang for attempt 1 of acme/widgets#42, which is over: afk works on a later attempt now, and your button press was ignored.",
    ],
  ] as const)("says the doorbell's attempt is over and that the %s was not acted on", (act, expected) => {
    expect(renderEarlierAttemptNotice(REPO, 42, 1, act)).toBe(expected);
  });
});
