import { describe, it, expect } from "vitest";
import fc from "fast-check";
import {
  decideDeploy,
  parseWoodpeckerStatusTarget,
  toPipelineUrl,
  type DeployInput,
  toWoodpeckerNudge,
} from "../../../src/core/observe/decide-deploy.js";
import type { PipelineFact } from "../../../src/core/observe/observe-types.js";

const SHA = "0123456789abcdef0123456789abcdef01234567";
const OTHER = "fedcba9876543210fedcba9876543210fedcba98";

function aPipeline(overrides: Partial<PipelineFact> = {}): PipelineFact {
  return {
    number: 12,
    parent: 0,
    event: "push",
    status: "running",
    commit: SHA,
    branch: "main",
    created: 1_700_000_000,
    supersededBy: null,
    ...overrides,
  };
}

function aDeployInput(overrides: Partial<DeployInput> = {}): DeployInput {
  return {
    sha: SHA,
    branch: "main",
    pipelines: [aPipeline()],
    woodpeckerUrl: "https://ci.example",
    repoId: 3,
    ...overrides,
  };
}

describe("decideDeploy status map", () => {
  it.each([
    ["success", "green", "pipeline #12 succeeded"],
    ["skipped", "green", "pipeline #12 was skipped: nothing to deploy"],
    ["blocked", "blocked", "pipeline #12 is waiting for approval"],
    ["created", "pending", "pipeline #12 created"],
    ["pending", "pending", "pipeline #12 pending"],
    ["running", "pending", "pipeline #12 running"],
    ["failure", "red", "pipeline #12 ended with failure"],
    ["killed", "red", "pipeline #12 ended with killed"],
    ["error", "red", "pipeline #12 ended with error"],
    ["declined", "red", "pipeline #12 ended with declined"],
    ["canceled", "red", "pipeline #12 ended with canceled"],
    ["brand-new", "pending", "pipeline #12 has the unknown status brand-new"],
  ])("the status %s is %s", (status, verdict, detail) => {
    expect(decideDeploy(aDeployInput({ pipelines: [aPipeline({ status })] }))).toEqual({
      verdict,
      detail,
      url: "https://ci.example/repos/3/pipeline/12",
      number: 12,
    });
  });
});

describe("decideDeploy matching", () => {
  it.each<[string, PipelineFact[], number | null]>([
    ["no pipeline at all", [], null],
    ["a pipeline for another commit", [aPipeline({ commit: OTHER })], null],
    ["a pull_request pipeline for the sha", [aPipeline({ event: "pull_request" })], null],
    [
      "a tag or manual pipeline for the sha",
      [aPipeline({ event: "manual" }), aPipeline({ event: "tag", number: 13 })],
      null,
    ],
    ["a push pipeline on another branch", [aPipeline({ branch: "release" })], null],
    ["an abbreviated commit does not match", [aPipeline({ commit: SHA.slice(0, 7) })], null],
    ["the commit matches case-insensitively", [aPipeline({ commit: SHA.toUpperCase() })], 12],
    [
      "the highest matching number wins (a restart)",
      [aPipeline({ number: 12, status: "failure" }), aPipeline({ number: 14, parent: 12 }), aPipeline({ number: 13 })],
      14,
    ],
    ["a newer pipeline for another commit is not ours", [aPipeline(), aPipeline({ number: 15, commit: OTHER })], 12],
  ])("%s", (_rule, pipelines, number) => {
    expect(decideDeploy(aDeployInput({ pipelines })).number).toBe(number);
  });

  it("no matching pipeline is pending and names the short sha", () => {
    expect(decideDeploy(aDeployInput({ pipelines: [] }))).toEqual({
      verdict: "pending",
      url: null,
      detail: "no pipeline for 0123456 yet",
      number: null,
    });
  });

  it("a restart that succeeds after a failure is green", () => {
    const pipelines = [
      aPipeline({ number: 12, status: "failure" }),
      aPipeline({ number: 13, parent: 12, status: "success" }),
    ];
    expect(decideDeploy(aDeployInput({ pipelines })).verdict).toBe("green");
  });
});

describe("decideDeploy superseded", () => {
  it.each<[string, PipelineFact[], "red" | "superseded", string]>([
    [
      "Woodpecker's superseded_by marks it",
      [aPipeline({ status: "killed", supersededBy: 15 })],
      "superseded",
      "pipeline #12 (killed) was replaced by #15",
    ],
    [
      "superseded_by wins over any red status",
      [aPipeline({ status: "failure", supersededBy: 15 })],
      "superseded",
      "pipeline #12 (failure) was replaced by #15",
    ],
    [
      "killed while a newer push of another commit exists",
      [
        aPipeline({ status: "killed" }),
        aPipeline({ number: 16, commit: OTHER }),
        aPipeline({ number: 15, commit: OTHER }),
      ],
      "superseded",
      "pipeline #12 (killed) was replaced by #16",
    ],
    [
      "canceled while a newer push exists",
      [aPipeline({ status: "canceled" }), aPipeline({ number: 13, commit: OTHER })],
      "superseded",
      "pipeline #12 (canceled) was replaced by #13",
    ],
    [
      "a failure is red even with a newer push",
      [aPipeline({ status: "failure" }), aPipeline({ number: 13, commit: OTHER })],
      "red",
      "pipeline #12 ended with failure",
    ],
    [
      "killed with only an older push is red",
      [aPipeline({ status: "killed" }), aPipeline({ number: 11, commit: OTHER })],
      "red",
      "pipeline #12 ended with killed",
    ],
    [
      "killed with a newer push on another branch is red",
      [aPipeline({ status: "killed" }), aPipeline({ number: 13, commit: OTHER, branch: "dev" })],
      "red",
      "pipeline #12 ended with killed",
    ],
    [
      "killed with a newer non-push pipeline is red",
      [aPipeline({ status: "killed" }), aPipeline({ number: 13, commit: OTHER, event: "cron" })],
      "red",
      "pipeline #12 ended with killed",
    ],
  ])("%s", (_rule, pipelines, verdict, detail) => {
    expect(decideDeploy(aDeployInput({ pipelines }))).toMatchObject({ verdict, detail });
  });

  it("superseded_by on a green pipeline keeps it green", () => {
    expect(
      decideDeploy(aDeployInput({ pipelines: [aPipeline({ status: "success", supersededBy: 20 })] })).verdict,
    ).toBe("green");
  });
});

describe("decideDeploy url", () => {
  it.each([
    ["https://ci.example", "https://ci.example/repos/3/pipeline/12"],
    ["https://ci.example/", "https://ci.example/repos/3/pipeline/12"],
    ["https://example.com/woodpecker//", "https://example.com/woodpecker/repos/3/pipeline/12"],
  ])("the UI link from %s is %s", (woodpeckerUrl, url) => {
    expect(toPipelineUrl(woodpeckerUrl, 3, 12)).toBe(url);
    expect(decideDeploy(aDeployInput({ woodpeckerUrl })).url).toBe(url);
  });

  it("the pipeline decided does not depend on the order of the list", () => {
    const arb = fc.array(
      fc.record({
        number: fc.integer({ min: 1, max: 30 }),
        status: fc.constantFrom("success", "failure", "killed", "running", "blocked"),
        commit: fc.constantFrom(SHA, OTHER),
        event: fc.constantFrom("push", "pull_request"),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(arb, (fields) => {
        // Woodpecker numbers are unique per repo.
        const unique = [...new Map(fields.map((f) => [f.number, aPipeline(f)])).values()];
        expect(decideDeploy(aDeployInput({ pipelines: [...unique].reverse() }))).toEqual(
          decideDeploy(aDeployInput({ pipelines: unique })),
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseWoodpeckerStatusTarget", () => {
  it.each<[string, { repoId: number; number: number } | null]>([
    ["https://ci.example/repos/3/pipeline/12/deploy", { repoId: 3, number: 12 }],
    ["https://ci.example/repos/3/pipeline/12", { repoId: 3, number: 12 }],
    ["https://ci.example/repos/3/pipeline/12/", { repoId: 3, number: 12 }],
    ["https://ci.example/repos/3/pipeline/12/2", { repoId: 3, number: 12 }],
    ["http://ci.example:8000/repos/41/pipeline/7/build?x=1", { repoId: 41, number: 7 }],
    ["https://example.com/woodpecker/repos/3/pipeline/12/deploy", { repoId: 3, number: 12 }],
    ["  https://ci.example/repos/3/pipeline/12  ", { repoId: 3, number: 12 }],
    ["https://ci.example/repos/3/pipeline/12/deploy/extra", null],
    ["https://ci.example/repos/acme/widgets/pipeline/12", null],
    ["https://ci.example/repos/3/pipeline/0", null],
    ["https://ci.example/repos/3/pipelines/12", null],
    ["https://ci.example/repos/3/pipeline/1234567890123456", null],
    ["ftp://ci.example/repos/3/pipeline/12", null],
    ["/repos/3/pipeline/12", null],
    ["", null],
  ])("%j parses to %j", (url, expected) => {
    expect(parseWoodpeckerStatusTarget(url)).toEqual(expected);
  });
});

describe("toWoodpeckerNudge", () => {
  it.each([
    ["ci/woodpecker/push/deploy", "https://ci.example.com/repos/3/pipeline/12/deploy", { repoId: 3, number: 12 }],
    ["CI/Woodpecker/push/deploy", "https://ci.example.com/repos/3/pipeline/12", { repoId: 3, number: 12 }],
    ["ci/woodpecker/push/deploy", null, null],
    ["ci/other/push", "https://ci.example.com/repos/3/pipeline/12", null],
    ["ci/woodpecker/push/deploy", "https://example.com/elsewhere", null],
  ])("context %s with target %s → %j", (context, target, expected) => {
    expect(toWoodpeckerNudge(context, target)).toEqual(expected);
  });
});
