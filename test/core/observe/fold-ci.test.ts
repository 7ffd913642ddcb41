import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { FAILURE_SUMMARY_MAX_CHARS, FAILURES_MAX } from "../../../src/core/run/limits.js";
import { foldCi, toCheckVerdict, toCiRules, toFailingJobs, type CiInput } from "../../../src/core/observe/fold-ci.js";
import type { CheckRunFact, JobFact, StatusFact, WorkflowRunFact } from "../../../src/core/observe/observe-types.js";

const REPO = "acme/widgets";
const SHA = "0123456789abcdef0123456789abcdef01234567";
const OWN_APP = 777;
const ACTIONS_APP = 15368;

function aWorkflowRun(overrides: Partial<WorkflowRunFact> = {}): WorkflowRunFact {
  return {
    id: 100,
    name: "ci",
    event: "push",
    headBranch: "main",
    headSha: SHA,
    headRepoFullName: "Acme/Widgets",
    runAttempt: 1,
    status: "completed",
    conclusion: "success",
    checkSuiteId: 500,
    htmlUrl: "https://github.com/acme/widgets/actions/runs/100",
    ...overrides,
  };
}

/** An Actions check run of `aWorkflowRun()`'s suite. */
function aCheckRun(overrides: Partial<CheckRunFact> = {}): CheckRunFact {
  return {
    id: 1,
    name: "build",
    status: "completed",
    conclusion: "success",
    appId: ACTIONS_APP,
    appSlug: "github-actions",
    checkSuiteId: 500,
    htmlUrl: "https://github.com/acme/widgets/actions/runs/100/job/1",
    detailsUrl: "https://github.com/acme/widgets/runs/1",
    title: null,
    summary: null,
    ...overrides,
  };
}

/** A check run of some other CI app, which has no workflow run. */
function anAppCheck(overrides: Partial<CheckRunFact> = {}): CheckRunFact {
  return aCheckRun({
    id: 2,
    name: "circleci: test",
    appId: 4242,
    appSlug: "circleci-checks",
    checkSuiteId: 900,
    ...overrides,
  });
}

function aStatus(overrides: Partial<StatusFact> = {}): StatusFact {
  return {
    context: "ci/woodpecker/push/deploy",
    state: "success",
    targetUrl: "https://ci.example/repos/3/pipeline/12",
    description: null,
    ...overrides,
  };
}

function aCiInput(overrides: Partial<CiInput> = {}): CiInput {
  return {
    repo: REPO,
    defaultBranch: "main",
    sha: SHA,
    checkRuns: [aCheckRun()],
    statuses: [],
    workflowRuns: [aWorkflowRun()],
    required: [],
    ignored: [],
    ownAppId: OWN_APP,
    ...overrides,
  };
}

function aJob(overrides: Partial<JobFact> = {}): JobFact {
  return { id: 1, runId: 100, name: "build", conclusion: "failure", htmlUrl: null, ...overrides };
}

describe("toCheckVerdict", () => {
  it.each([
    ["success", "green"],
    ["neutral", "green"],
    ["skipped", "green"],
    ["failure", "red"],
    ["timed_out", "red"],
    ["cancelled", "red"],
    ["startup_failure", "red"],
    ["action_required", "red"],
    ["stale", "red"],
    [null, "pending"],
    ["some_future_conclusion", "pending"],
  ])("the conclusion %s is %s", (conclusion, verdict) => {
    expect(toCheckVerdict(conclusion)).toBe(verdict);
  });
});

describe("foldCi verdict", () => {
  it.each<[string, Partial<CiInput>, "pending" | "green" | "red", boolean]>([
    ["nothing at all is pending and not seen", { checkRuns: [], workflowRuns: [] }, "pending", false],
    ["one green check is green", {}, "green", true],
    [
      "a running check is pending",
      { checkRuns: [aCheckRun({ status: "in_progress", conclusion: null })] },
      "pending",
      true,
    ],
    [
      "one red among greens is red",
      { checkRuns: [aCheckRun(), aCheckRun({ id: 3, name: "lint", conclusion: "failure" })] },
      "red",
      true,
    ],
    [
      "red wins over pending",
      { checkRuns: [aCheckRun({ conclusion: null }), aCheckRun({ id: 3, name: "lint", conclusion: "timed_out" })] },
      "red",
      true,
    ],
    ["a green status is green", { checkRuns: [], statuses: [aStatus()] }, "green", true],
    ["a pending status is pending", { checkRuns: [], statuses: [aStatus({ state: "pending" })] }, "pending", true],
    ["a failed status is red", { statuses: [aStatus({ state: "failure" })] }, "red", true],
    ["an errored status is red", { statuses: [aStatus({ state: "error" })] }, "red", true],
    [
      "another app's check counts without a workflow run",
      { checkRuns: [anAppCheck({ conclusion: "failure" })], workflowRuns: [] },
      "red",
      true,
    ],
    ["an unknown conclusion waits", { checkRuns: [aCheckRun({ conclusion: "weird" })] }, "pending", true],
  ])("%s", (_rule, overrides, verdict, seenAny) => {
    const fold = foldCi(aCiInput(overrides));
    expect(fold.verdict).toBe(verdict);
    expect(fold.seenAny).toBe(seenAny);
  });
});

describe("foldCi filters", () => {
  it.each<[string, Partial<CiInput>]>([
    ["afk's own check", { checkRuns: [anAppCheck({ appId: OWN_APP, conclusion: "failure" })], workflowRuns: [] }],
    [
      "an ignored check name, case-insensitively",
      { checkRuns: [anAppCheck({ conclusion: "failure" })], workflowRuns: [], ignored: ["CircleCI: Test"] },
    ],
    [
      "an ignored status context",
      {
        checkRuns: [],
        workflowRuns: [],
        statuses: [aStatus({ state: "failure" })],
        ignored: ["ci/woodpecker/push/deploy"],
      },
    ],
    [
      "an Actions check of a pull_request run",
      { workflowRuns: [aWorkflowRun({ event: "pull_request", conclusion: "failure" })] },
    ],
    [
      "an Actions check of a dynamic run (CodeQL default setup)",
      { workflowRuns: [aWorkflowRun({ event: "dynamic" })] },
    ],
    ["an Actions check of another branch", { workflowRuns: [aWorkflowRun({ headBranch: "feature" })] }],
    ["an Actions check of another sha", { workflowRuns: [aWorkflowRun({ headSha: "f".repeat(40) })] }],
    ["an Actions check of a fork", { workflowRuns: [aWorkflowRun({ headRepoFullName: "mallory/widgets" })] }],
    [
      "an Actions check of a run without a head repository",
      { workflowRuns: [aWorkflowRun({ headRepoFullName: null })] },
    ],
  ])("excludes %s", (_rule, overrides) => {
    const red = { checkRuns: [aCheckRun({ conclusion: "failure" })], ...overrides };
    const fold = foldCi(aCiInput(red));
    expect(fold).toEqual({ verdict: "pending", seenAny: false, url: null, failures: [] });
  });

  it("an Actions check whose suite is not listed yet is pending, not ignored", () => {
    const fold = foldCi(aCiInput({ checkRuns: [aCheckRun({ conclusion: "failure" })], workflowRuns: [] }));
    expect(fold).toEqual({ verdict: "pending", seenAny: true, url: null, failures: [] });
  });

  it("an Actions check without a suite id is pending", () => {
    expect(foldCi(aCiInput({ checkRuns: [aCheckRun({ checkSuiteId: null })] })).verdict).toBe("pending");
  });

  it("a run without a suite id vouches for no check", () => {
    expect(foldCi(aCiInput({ workflowRuns: [aWorkflowRun({ checkSuiteId: null })] })).verdict).toBe("pending");
  });

  it("afk's checks are counted when afk has no app id", () => {
    expect(foldCi(aCiInput({ checkRuns: [anAppCheck({ appId: OWN_APP })], ownAppId: null })).verdict).toBe("green");
  });

  it("a filtered-out check leaves the others deciding", () => {
    const checkRuns = [aCheckRun(), anAppCheck({ appId: OWN_APP, conclusion: "failure" })];
    expect(foldCi(aCiInput({ checkRuns })).verdict).toBe("green");
  });
});

describe("foldCi re-runs", () => {
  const rerun = aWorkflowRun({
    runAttempt: 2,
    checkSuiteId: 501,
    conclusion: "success",
    htmlUrl: "https://x/runs/100/attempts/2",
  });
  const first = aWorkflowRun({ runAttempt: 1, checkSuiteId: 500, conclusion: "failure" });

  it("the latest run_attempt wins: the first attempt's failed checks are dropped", () => {
    const checkRuns = [
      aCheckRun({ id: 1, checkSuiteId: 500, conclusion: "failure" }),
      aCheckRun({ id: 9, checkSuiteId: 501 }),
    ];
    const fold = foldCi(aCiInput({ checkRuns, workflowRuns: [first, rerun] }));
    expect(fold).toEqual({ verdict: "green", seenAny: true, url: "https://x/runs/100/attempts/2", failures: [] });
  });

  it("the latest attempt wins whatever the order of the runs", () => {
    const checkRuns = [
      aCheckRun({ id: 1, checkSuiteId: 500, conclusion: "failure" }),
      aCheckRun({ id: 9, checkSuiteId: 501 }),
    ];
    expect(foldCi(aCiInput({ checkRuns, workflowRuns: [rerun, first] })).verdict).toBe("green");
  });

  it("a re-run job in the same suite replaces the older check run of that name", () => {
    const checkRuns = [aCheckRun({ id: 9, conclusion: "success" }), aCheckRun({ id: 1, conclusion: "failure" })];
    expect(foldCi(aCiInput({ checkRuns })).verdict).toBe("green");
  });

  it("the same check run seen twice counts once, finished over running", () => {
    const checkRuns = [aCheckRun({ conclusion: null, status: "in_progress" }), aCheckRun({ conclusion: "failure" })];
    const fold = foldCi(aCiInput({ checkRuns }));
    expect(fold.verdict).toBe("red");
    expect(fold.failures).toHaveLength(1);
  });

  it("the same run attempt seen twice prefers its finished view for the link", () => {
    const running = aWorkflowRun({ conclusion: null, status: "in_progress", htmlUrl: "https://x/running" });
    const done = aWorkflowRun({ conclusion: "success", htmlUrl: "https://x/done" });
    expect(foldCi(aCiInput({ workflowRuns: [done, running] })).url).toBe("https://x/done");
    expect(foldCi(aCiInput({ workflowRuns: [running, done] })).url).toBe("https://x/done");
  });

  it("identical duplicates fold to one", () => {
    const fold = foldCi(
      aCiInput({ checkRuns: [aCheckRun(), aCheckRun()], workflowRuns: [aWorkflowRun(), aWorkflowRun()] }),
    );
    expect(fold.verdict).toBe("green");
  });

  it("two duplicates differing only in text fold the same both ways", () => {
    const a = aCheckRun({ conclusion: "failure", title: "a" });
    const b = aCheckRun({ conclusion: "failure", title: "b" });
    expect(foldCi(aCiInput({ checkRuns: [a, b] }))).toEqual(foldCi(aCiInput({ checkRuns: [b, a] })));
    const r1 = aWorkflowRun({ htmlUrl: "https://x/1" });
    const r2 = aWorkflowRun({ htmlUrl: "https://x/2" });
    expect(foldCi(aCiInput({ workflowRuns: [r1, r2] }))).toEqual(foldCi(aCiInput({ workflowRuns: [r2, r1] })));
  });
});

describe("foldCi required names", () => {
  it.each<[string, Partial<CiInput>, "pending" | "green" | "red"]>([
    [
      "only required names decide: a red unrequired check is ignored",
      { checkRuns: [aCheckRun(), anAppCheck({ conclusion: "failure" })], required: ["build"] },
      "green",
    ],
    ["a required name with nothing yet is pending", { required: ["build", "deploy-preview"] }, "pending"],
    ["required names match case-insensitively", { required: ["BUILD"] }, "green"],
    [
      "a required status decides",
      { checkRuns: [], statuses: [aStatus({ state: "failure" })], required: ["ci/woodpecker/push/deploy"] },
      "red",
    ],
    ["a required name wins over the same ignored name", { required: ["build"], ignored: ["build"] }, "green"],
    [
      "a red required check is red while another is missing",
      { checkRuns: [aCheckRun({ conclusion: "failure" })], required: ["build", "e2e"] },
      "red",
    ],
  ])("%s", (_rule, overrides, verdict) => {
    expect(foldCi(aCiInput(overrides)).verdict).toBe(verdict);
  });

  it("an unrequired check still counts as seen", () => {
    const fold = foldCi(aCiInput({ checkRuns: [anAppCheck()], workflowRuns: [], required: ["e2e"] }));
    expect(fold).toMatchObject({ verdict: "pending", seenAny: true });
  });
});

describe("foldCi failures", () => {
  it("a failed check carries its name, conclusion, title and summary, and job link", () => {
    const check = aCheckRun({ conclusion: "failure", title: " 2 tests failed ", summary: "expected 1 to be 2\n" });
    expect(foldCi(aCiInput({ checkRuns: [check] })).failures).toEqual([
      {
        name: "build",
        conclusion: "failure",
        summary: "2 tests failed\nexpected 1 to be 2",
        url: check.htmlUrl,
        logTail: null,
      },
    ]);
  });

  it.each<[string, Partial<CheckRunFact>, string | null]>([
    ["the details url stands in for a missing html url", { htmlUrl: null }, "https://github.com/acme/widgets/runs/1"],
    ["no url at all is null", { htmlUrl: null, detailsUrl: null }, null],
  ])("%s", (_rule, overrides, url) => {
    const other = foldCi(aCiInput({ checkRuns: [anAppCheck({ conclusion: "failure", ...overrides })] }));
    expect(other.failures[0]?.url).toBe(url);
  });

  it("a blank title and summary give no summary", () => {
    const fold = foldCi(aCiInput({ checkRuns: [aCheckRun({ conclusion: "failure", title: "  ", summary: "" })] }));
    expect(fold.failures[0]?.summary).toBeNull();
  });

  it("a failed status carries its state, description and target url", () => {
    const fold = foldCi(aCiInput({ statuses: [aStatus({ state: "error", description: "pipeline errored" })] }));
    expect(fold.failures).toEqual([
      {
        name: "ci/woodpecker/push/deploy",
        conclusion: "error",
        summary: "pipeline errored",
        url: "https://ci.example/repos/3/pipeline/12",
        logTail: null,
      },
    ]);
  });

  it("a long summary is cut to the failure summary bound", () => {
    const fold = foldCi(aCiInput({ checkRuns: [aCheckRun({ conclusion: "failure", summary: "x".repeat(5_000) })] }));
    expect(fold.failures[0]?.summary).toHaveLength(FAILURE_SUMMARY_MAX_CHARS);
  });

  it("failures are capped, real failures before cancellations, then by name", () => {
    const cancelled = Array.from({ length: 8 }, (_, i) =>
      aCheckRun({ id: 10 + i, name: `matrix ${i}`, conclusion: "cancelled" }),
    );
    const checkRuns = [
      ...cancelled,
      aCheckRun({ id: 30, name: "z-test", conclusion: "failure" }),
      aCheckRun({ id: 31, name: "a-test", conclusion: "timed_out" }),
    ];
    const fold = foldCi(aCiInput({ checkRuns }));
    expect(fold.failures).toHaveLength(FAILURES_MAX);
    expect(fold.failures.map((f) => f.name)).toEqual(["z-test", "a-test", "matrix 0", "matrix 1", "matrix 2"]);
  });
});

describe("foldCi url", () => {
  it.each<[string, Partial<CiInput>, string | null]>([
    ["the counted workflow run links CI", {}, "https://github.com/acme/widgets/actions/runs/100"],
    [
      "the failing run is linked before a green one",
      {
        workflowRuns: [
          aWorkflowRun({ id: 1, checkSuiteId: 1, htmlUrl: "https://x/1" }),
          aWorkflowRun({ id: 2, checkSuiteId: 2, conclusion: "failure", htmlUrl: "https://x/2" }),
        ],
      },
      "https://x/2",
    ],
    [
      "among equals the oldest run is linked",
      {
        workflowRuns: [
          aWorkflowRun({ id: 9, checkSuiteId: 9, htmlUrl: "https://x/9" }),
          aWorkflowRun({ id: 3, checkSuiteId: 3, htmlUrl: "https://x/3" }),
        ],
      },
      "https://x/3",
    ],
    [
      "without a run, the first red check links CI",
      { workflowRuns: [], checkRuns: [anAppCheck({ conclusion: "failure", htmlUrl: "https://app/1" })] },
      "https://app/1",
    ],
    [
      "a filtered run links nothing",
      { workflowRuns: [aWorkflowRun({ event: "dynamic" })], checkRuns: [anAppCheck()] },
      null,
    ],
  ])("%s", (_rule, overrides, url) => {
    expect(foldCi(aCiInput(overrides)).url).toBe(url);
  });
});

describe("toFailingJobs", () => {
  it("keeps the red jobs, most telling first, capped", () => {
    const jobs = [
      aJob({ id: 1, name: "ok", conclusion: "success" }),
      aJob({ id: 2, name: "running", conclusion: null }),
      ...Array.from({ length: 6 }, (_, i) => aJob({ id: 10 + i, name: "matrix", conclusion: "cancelled" })),
      aJob({ id: 3, name: "test", conclusion: "failure" }),
    ];
    expect(toFailingJobs(jobs).map((job) => job.id)).toEqual([3, 10, 11, 12, 13]);
  });

  it("no red job is an empty list", () => {
    expect(toFailingJobs([aJob({ conclusion: "skipped" })])).toEqual([]);
  });
});

describe("foldCi properties", () => {
  const NAMES = ["build", "lint", "test (20)", "deploy", "codeql"];
  const CONCLUSIONS = [null, "success", "neutral", "skipped", "failure", "timed_out", "cancelled", "stale", "weird"];
  const arbCheck = fc
    .record({
      id: fc.integer({ min: 1, max: 6 }),
      name: fc.constantFrom(...NAMES),
      conclusion: fc.constantFrom(...CONCLUSIONS),
      app: fc.constantFrom("actions", "other", "own"),
      checkSuiteId: fc.option(fc.integer({ min: 500, max: 503 }), { nil: null }),
      title: fc.option(fc.constantFrom("1 failed", "x"), { nil: null }),
    })
    .map(({ app, ...rest }) =>
      aCheckRun({
        ...rest,
        appId: app === "actions" ? ACTIONS_APP : app === "own" ? OWN_APP : 4242,
        appSlug: app === "actions" ? "github-actions" : "other-ci",
      }),
    );
  const arbRun = fc
    .record({
      id: fc.integer({ min: 100, max: 102 }),
      runAttempt: fc.integer({ min: 1, max: 3 }),
      checkSuiteId: fc.option(fc.integer({ min: 500, max: 503 }), { nil: null }),
      event: fc.constantFrom("push", "push", "dynamic", "pull_request"),
      headBranch: fc.constantFrom("main", "main", "feature"),
      conclusion: fc.constantFrom(null, "success", "failure"),
      htmlUrl: fc.constantFrom("https://x/a", "https://x/b"),
    })
    .map((fields) => aWorkflowRun(fields));
  const arbStatus = fc
    .record({
      context: fc.constantFrom("ci/woodpecker/push/deploy", "lint", "coverage"),
      state: fc.constantFrom("pending", "success", "failure", "error") as fc.Arbitrary<StatusFact["state"]>,
      description: fc.option(fc.constantFrom("boom", "ok"), { nil: null }),
    })
    .map((fields) => aStatus(fields));
  const arbInput = fc
    .record({
      checkRuns: fc.array(arbCheck, { maxLength: 8 }),
      statuses: fc.array(arbStatus, { maxLength: 4 }),
      workflowRuns: fc.array(arbRun, { maxLength: 4 }),
      required: fc.subarray(NAMES, { maxLength: 2 }),
      ignored: fc.subarray([...NAMES, "coverage"], { maxLength: 2 }),
    })
    .map((fields) => aCiInput(fields));

  function shuffled<T>(items: readonly T[]): fc.Arbitrary<T[]> {
    return fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });
  }

  it("the fold does not depend on the order of the facts", () => {
    const arb = arbInput.chain((input) =>
      fc.tuple(fc.constant(input), shuffled(input.checkRuns), shuffled(input.statuses), shuffled(input.workflowRuns)),
    );
    fc.assert(
      fc.property(arb, ([input, checkRuns, statuses, workflowRuns]) => {
        expect(foldCi({ ...input, checkRuns, statuses, workflowRuns })).toEqual(foldCi(input));
      }),
      { numRuns: 400 },
    );
  });

  it("one counted red check makes the fold red", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const red = anAppCheck({ id: 99, name: "the-red-one", checkSuiteId: 999, conclusion: "failure" });
        const required = input.required.length > 0 ? [...input.required, red.name] : [];
        const fold = foldCi({ ...input, required, checkRuns: [...input.checkRuns, red] });
        expect(fold.verdict).toBe("red");
        expect(fold.failures.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("adding an ignored check, afk's own check or a filtered Actions check changes nothing", () => {
    const extras = fc.constantFrom(
      anAppCheck({ id: 98, name: "ignored-one", checkSuiteId: 998, conclusion: "failure" }),
      anAppCheck({ id: 97, name: "afk", appId: OWN_APP, checkSuiteId: 997, conclusion: "failure" }),
      aCheckRun({ id: 96, name: "pr-only", checkSuiteId: 996, conclusion: "failure" }),
    );
    const prRun = aWorkflowRun({ id: 996, checkSuiteId: 996, event: "pull_request" });
    fc.assert(
      fc.property(arbInput, extras, (input, extra) => {
        const base = {
          ...input,
          ignored: [...input.ignored, "ignored-one"],
          workflowRuns: [...input.workflowRuns, prRun],
        };
        expect(foldCi({ ...base, checkRuns: [...base.checkRuns, extra] })).toEqual(foldCi(base));
      }),
      { numRuns: 300 },
    );
  });

  it("failures stay within the cap and are exactly the red verdict's evidence", () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const fold = foldCi(input);
        expect(fold.failures.length).toBeLessThanOrEqual(FAILURES_MAX);
        expect(fold.failures.length > 0).toBe(fold.verdict === "red");
        if (!fold.seenAny) expect(fold.verdict).toBe("pending");
      }),
      { numRuns: 300 },
    );
  });
});

describe("toCiRules", () => {
  it("leaves Woodpecker's statuses out of CI when Woodpecker is the deploy stage", () => {
    const rules = toCiRules({ requiredChecks: [], ignoredChecks: ["codecov"], woodpeckerRepo: "acme/deploy" });
    expect(rules).toEqual({ required: [], ignored: ["codecov"], ignoredPrefixes: ["ci/woodpecker/"] });
    const red = aStatus({ context: "CI/Woodpecker/push/deploy", state: "failure" });
    expect(foldCi(aCiInput({ statuses: [red], ...rules })).verdict).toBe("green");
  });

  it("counts Woodpecker's statuses as CI when there is no deploy stage", () => {
    const rules = toCiRules({ requiredChecks: ["test"], ignoredChecks: [], woodpeckerRepo: null });
    expect(rules.ignoredPrefixes).toEqual([]);
    const red = aStatus({ state: "failure" });
    expect(foldCi(aCiInput({ statuses: [red], required: [], ignoredPrefixes: [] })).verdict).toBe("red");
  });
});
