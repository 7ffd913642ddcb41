import { describe, expect, it } from "vitest";
import { renderStatusPage } from "../../../src/core/status/render-status-page.js";
import { renderLoginPage } from "../../../src/core/status/render-login-page.js";
import { escapeHtml, toAnchor } from "../../../src/core/status/render-html.js";
import { toStatusView } from "../../../src/core/status/status-view.js";
import type { StatusInput } from "../../../src/core/status/status-types.js";
import { anOperatorConfig } from "../builders.js";
import { aDeployingRecord, anEscalatedRecord, aQueuedRecord, aScene, HOSTILE_TITLE, NOW } from "./scene.js";

function pageOf(input: StatusInput): string {
  return renderStatusPage(toStatusView(input, NOW));
}

const EMPTY: StatusInput = { runs: [], config: anOperatorConfig(), githubUrl: "https://github.com", armed: false };

describe("renderStatusPage golden files", () => {
  it("renders every group of the scene, hostile title included", async () => {
    await expect(pageOf(aScene())).toMatchFileSnapshot("./golden/status-scene.html");
  });

  it("renders a disarmed afk with no run", async () => {
    await expect(pageOf(EMPTY)).toMatchFileSnapshot("./golden/status-empty-disarmed.html");
  });

  it("renders the login form, and the form after a refused token", async () => {
    await expect(renderLoginPage({ refused: false })).toMatchFileSnapshot("./golden/login.html");
    await expect(renderLoginPage({ refused: true })).toMatchFileSnapshot("./golden/login-refused.html");
  });
});

describe("renderStatusPage", () => {
  it("is one self-contained page: reloads itself, fits a phone, no script, no outside asset", () => {
    const page = pageOf(aScene());
    expect(page).toMatch(/^<!doctype html>\n<html lang="en">/);
    expect(page).toContain('<meta http-equiv="refresh" content="15">');
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toContain("@media (max-width:760px)");
    expect(page).not.toMatch(/<script|<link|<img|@import|url\(/i);
    expect(page).not.toMatch(/<[a-z]+[^>]*\s(src|href)=(?!"https:)/i);
  });

  it("shows a hostile title, reason and login as text, never as markup", () => {
    const scene = aScene();
    const page = pageOf({
      ...scene,
      runs: [
        ...scene.runs,
        { record: aDeployingRecord({ repo: "acme/x", labeler: `<img src=x onerror=alert(1)>` }), title: HOSTILE_TITLE },
      ],
    });
    expect(page).not.toContain("<script>window.pwned");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b>it</b>");
    expect(page).toContain(
      "&quot;&gt;&lt;script&gt;window.pwned=1&lt;/script&gt;&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt; Tom &amp; Jerry&#39;s &#39;quote&#39;",
    );
    expect(page).toContain("should &lt;b&gt;it&lt;/b&gt; spin clockwise &amp; fast?");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("links only http(s) URLs, with the URL escaped in the attribute", () => {
    const record = anEscalatedRecord({ sha: "abc&def" });
    const page = pageOf({ ...EMPTY, armed: true, runs: [{ record, title: "t" }] });
    expect(page).toContain('href="https://github.com/acme/api/commit/abc%26def"');
    expect(page).toContain(">commit abc&amp;def</a>");
  });

  it("marks a budget nearly or wholly spent", () => {
    const near = aDeployingRecord({ fixForwards: 2, legStartedAt: NOW - 60_000 });
    const spent = aDeployingRecord({ issue: 9, fixForwards: 3, legStartedAt: NOW - 5 * 60 * 60_000 });
    const page = pageOf({ ...EMPTY, runs: [near, spent].map((record) => ({ record, title: null })) });
    expect(page).toContain(
      '<span class="near">fix-forward 2 / 2</span><span class="ok">time 1\u00a0min / 4\u00a0h\u00a000\u00a0min</span>',
    );
    expect(page).toContain(
      '<span class="spent">fix-forward 3 / 2</span><span class="spent">time 5\u00a0h\u00a000\u00a0min / 4\u00a0h\u00a000\u00a0min</span>',
    );
  });

  it("says so when a budget limit is zero and was used", () => {
    const record = aDeployingRecord({ fixForwards: 1 });
    const zero = {
      ...record,
      repoConfig: { ...record.repoConfig, budgets: { ...record.repoConfig.budgets, fixForwardTurns: 0 } },
    };
    expect(pageOf({ ...EMPTY, runs: [{ record: zero, title: null }] })).toContain(
      '<span class="spent">fix-forward 1 / 0</span>',
    );
  });

  it("shows a dash for what it does not know: who approved, since when", () => {
    const record = aQueuedRecord({ labeler: null, history: [] });
    const page = pageOf({ ...EMPTY, runs: [{ record, title: null }] });
    expect(page).toContain(
      '<td class="age" data-label="Age"><div class="cell"><span class="muted">—</span></div></td>',
    );
    expect(page).toContain(
      '<td class="approval" data-label="Approved by"><div class="cell"><span class="muted">unknown</span></div></td>',
    );
  });

  it("names a later attempt, and leaves out a note it does not have", () => {
    const record = aDeployingRecord({ attempt: 2, turn: null, stages: { ci: null, deploy: null, rollout: null } });
    const page = pageOf({ ...EMPTY, runs: [{ record, title: null }] });
    expect(page).toContain('<span class="phase">Deploying</span> <span class="muted">attempt 2</span></div></td>');
  });

  it("counts finished runs it leaves off", () => {
    const view = toStatusView(EMPTY, NOW);
    const withOmitted = {
      ...view,
      groups: view.groups.map((group) => (group.kind === "finished" ? { ...group, omitted: 1 } : group)),
    };
    expect(renderStatusPage(withOmitted)).toContain("1 older finished run not shown.");
    const two = { ...withOmitted, groups: withOmitted.groups.map((group) => ({ ...group, omitted: 2 })) };
    expect(renderStatusPage(two)).toContain("2 older finished runs not shown.");
  });
});

describe("escapeHtml and toAnchor", () => {
  it.each([
    [`<a href="x">'&'</a>`, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"],
    ["line\nbreak\u0000nul", "line break nul"],
    ["plain", "plain"],
  ])("escapes %j", (text, escaped) => {
    expect(escapeHtml(text)).toBe(escaped);
  });

  it.each([
    ["javascript:alert(1)", "x &amp; y"],
    [
      "https://ok.test/a?b=1&c=2",
      '<a href="https://ok.test/a?b=1&amp;c=2" target="_blank" rel="noopener noreferrer">x &amp; y</a>',
    ],
  ])("links %s only when it is http(s)", (url, html) => {
    expect(toAnchor("x & y", url)).toBe(html);
  });
});
