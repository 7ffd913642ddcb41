import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatConfigErrors, type ConfigError } from "../../../src/core/config/config-errors.js";
import {
  defaultRepoConfig,
  type Budgets,
  type OperatorConfig,
  type RepoConfig,
} from "../../../src/core/config/config-types.js";
import { parseRepoConfig, repoConfigSchema } from "../../../src/core/config/repo-config.js";
import { anOperatorConfig } from "../builders.js";

const MINUTE_MS = 60_000;

/** An operator with every stage available, so a case only varies the repo file. */
function anOperator(overrides: Partial<OperatorConfig> = {}): OperatorConfig {
  return anOperatorConfig({
    woodpecker: { url: "https://ci.test", token: "wp" },
    kube: { apiUrl: "https://k8s.test", tokenFile: "/t", caFile: "/ca" },
    ...overrides,
  });
}

function parseOk(
  raw: unknown,
  operator: OperatorConfig = anOperator(),
): { config: RepoConfig; clamped: readonly string[] } {
  const result = parseRepoConfig(raw, operator);
  if (!result.ok) throw new Error(`expected a valid repo config:\n${formatConfigErrors(result.errors)}`);
  return { config: result.config, clamped: result.clamped };
}

function parseErrors(raw: unknown, operator: OperatorConfig = anOperator()): readonly ConfigError[] {
  const result = parseRepoConfig(raw, operator);
  if (result.ok) throw new Error("expected repo config errors");
  return result.errors;
}

describe("parseRepoConfig defaults", () => {
  it.each([null, undefined, {}])("%j gives CI only with the operator's budgets", (raw) => {
    expect(parseOk(raw)).toEqual({ config: defaultRepoConfig(anOperator()), clamped: [] });
  });

  it("a null value for a key means the key is absent", () => {
    const raw = { required_checks: null, ignored_checks: null, woodpecker: null, rollout: null, budgets: null };
    expect(parseOk(raw).config).toEqual(defaultRepoConfig(anOperator()));
  });
});

describe("parseRepoConfig good files", () => {
  it("reads every key of a full file", () => {
    const raw = {
      required_checks: ["test", "lint", "test"],
      ignored_checks: ["codecov/patch"],
      woodpecker: { repo: "Acme/Widgets" },
      rollout: { kubernetes: { namespace: "web", deployment: "widgets-api", container: "api" } },
      budgets: {
        fix_forward_turns: 1,
        run_minutes: 120,
        ci_minutes: 30,
        ci_no_checks_minutes: 5,
        deploy_minutes: 10,
        deploy_blocked_minutes: 15,
        rollout_minutes: 3,
      },
    };
    expect(parseOk(raw)).toEqual({
      config: {
        requiredChecks: ["test", "lint"],
        ignoredChecks: ["codecov/patch"],
        woodpeckerRepo: "Acme/Widgets",
        rollout: { kind: "kubernetes", namespace: "web", deployment: "widgets-api", container: "api" },
        budgets: {
          fixForwardTurns: 1,
          runMs: 120 * MINUTE_MS,
          ciMs: 30 * MINUTE_MS,
          ciNoChecksMs: 5 * MINUTE_MS,
          deployMs: 10 * MINUTE_MS,
          deployBlockedMs: 15 * MINUTE_MS,
          rolloutMs: 3 * MINUTE_MS,
        },
      },
      clamped: [],
    });
  });

  it.each<[string, unknown, RepoConfig["rollout"]]>([
    [
      "a version URL reads 3 times by default",
      { version_url: { url: "https://widgets.test/version" } },
      { kind: "version-url", url: "https://widgets.test/version", consecutive: 3 },
    ],
    [
      "a version URL with its own count",
      { version_url: { url: "http://widgets.test/v/", consecutive: 20 } },
      { kind: "version-url", url: "http://widgets.test/v/", consecutive: 20 },
    ],
    [
      "a Kubernetes deployment",
      { kubernetes: { namespace: "a", deployment: "b-1", container: "c" } },
      { kind: "kubernetes", namespace: "a", deployment: "b-1", container: "c" },
    ],
  ])("rollout: %s", (_name, rollout, expected) => {
    expect(parseOk({ rollout }).config.rollout).toEqual(expected);
  });

  it("a version URL rollout needs no Kubernetes API", () => {
    const operator = anOperator({ kube: { apiUrl: null, tokenFile: "/t", caFile: "/ca" } });
    expect(parseOk({ rollout: { version_url: { url: "https://w.test/v" } } }, operator).config.rollout?.kind).toBe(
      "version-url",
    );
  });

  it("budgets the repo leaves out stay the operator's", () => {
    expect(parseOk({ budgets: { ci_minutes: 10 } }).config.budgets).toEqual({
      ...anOperator().budgets,
      ciMs: 10 * MINUTE_MS,
    });
  });
});

describe("parseRepoConfig clamping", () => {
  it.each<[string, number, keyof Budgets]>([
    ["fix_forward_turns", 5, "fixForwardTurns"],
    ["run_minutes", 10_080, "runMs"],
    ["ci_minutes", 61, "ciMs"],
    ["ci_no_checks_minutes", 16, "ciNoChecksMs"],
    ["deploy_minutes", 31, "deployMs"],
    ["deploy_blocked_minutes", 61, "deployBlockedMs"],
    ["rollout_minutes", 21, "rolloutMs"],
  ])("budgets.%s above the operator's takes the operator's value and is reported", (key, value, field) => {
    const operator = anOperator();
    expect(parseOk({ budgets: { [key]: value } })).toEqual({
      config: expect.objectContaining({ budgets: operator.budgets }),
      clamped: [`budgets.${key}`],
    });
    expect(operator.budgets[field]).toBeLessThan(value * (field === "fixForwardTurns" ? 1 : MINUTE_MS));
  });

  it("a budget equal to the operator's is not clamped", () => {
    expect(parseOk({ budgets: { ci_minutes: 60, fix_forward_turns: 2 } }).clamped).toEqual([]);
  });

  it("repo budgets never exceed the operator's, and exactly the higher ones are reported", () => {
    const arbBudgets = fc.record(
      {
        fix_forward_turns: fc.integer({ min: 0, max: 20 }),
        run_minutes: fc.integer({ min: 1, max: 10_080 }),
        ci_minutes: fc.integer({ min: 1, max: 10_080 }),
        rollout_minutes: fc.integer({ min: 1, max: 10_080 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(arbBudgets, (budgets) => {
        const operator = anOperator();
        const { config, clamped } = parseOk({ budgets }, operator);
        const fields = {
          fix_forward_turns: "fixForwardTurns",
          run_minutes: "runMs",
          ci_minutes: "ciMs",
          rollout_minutes: "rolloutMs",
        } as const;
        for (const [key, field] of Object.entries(fields) as [keyof typeof fields, keyof Budgets][]) {
          expect(config.budgets[field]).toBeLessThanOrEqual(operator.budgets[field]);
          const value = budgets[key];
          const wanted =
            value === undefined ? operator.budgets[field] : value * (key === "fix_forward_turns" ? 1 : MINUTE_MS);
          expect(config.budgets[field]).toBe(Math.min(wanted, operator.budgets[field]));
          expect(clamped.includes(`budgets.${key}`)).toBe(wanted > operator.budgets[field]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseRepoConfig bad files", () => {
  it.each<[string, unknown, string, string, string | null]>([
    [
      "a top level that is not a mapping",
      "required_checks: [test]",
      "(top level)",
      "not a mapping",
      "required_checks: [test]",
    ],
    ["a top level list", ["test"], "(top level)", "not a mapping", "(a list)"],
    ["checks that are not a list", { required_checks: "test" }, "required_checks", "not a list", "test"],
    ["a check name that is not text", { ignored_checks: ["ok", 3] }, "ignored_checks[1]", "not text", "3"],
    ["an empty check name", { required_checks: [" "] }, "required_checks[0]", "an empty name", " "],
    [
      "a check name too long",
      { required_checks: ["x".repeat(201)] },
      "required_checks[0]",
      "longer than 200 characters",
      "x".repeat(199) + "…",
    ],
    [
      "too many checks",
      { required_checks: Array.from({ length: 21 }, (_, i) => `c${i}`) },
      "required_checks",
      "more than 20 names",
      "(a list)",
    ],
    ["woodpecker as text", { woodpecker: "acme/widgets" }, "woodpecker", "not a mapping", "acme/widgets"],
    [
      "a woodpecker repo not owner/name",
      { woodpecker: { repo: "widgets" } },
      "woodpecker.repo",
      '"widgets" is not an owner/name',
      "widgets",
    ],
    ["a woodpecker without its repo", { woodpecker: {} }, "woodpecker.repo", "missing", null],
    [
      "a rollout with both targets",
      {
        rollout: {
          kubernetes: { namespace: "a", deployment: "b", container: "c" },
          version_url: { url: "https://v.test" },
        },
      },
      "rollout",
      "not exactly one of kubernetes and version_url",
      "(a mapping)",
    ],
    [
      "a rollout with no target",
      { rollout: {} },
      "rollout",
      "not exactly one of kubernetes and version_url",
      "(a mapping)",
    ],
    [
      "a namespace that is not a DNS label",
      { rollout: { kubernetes: { namespace: "Web", deployment: "b", container: "c" } } },
      "rollout.kubernetes.namespace",
      '"Web" is not a DNS-1123 label',
      "Web",
    ],
    [
      "a deployment name too long",
      { rollout: { kubernetes: { namespace: "a", deployment: "d".repeat(64), container: "c" } } },
      "rollout.kubernetes.deployment",
      `"${"d".repeat(64)}" is not a DNS-1123 label`,
      "d".repeat(64),
    ],
    [
      "a missing container",
      { rollout: { kubernetes: { namespace: "a", deployment: "b" } } },
      "rollout.kubernetes.container",
      "missing",
      null,
    ],
    [
      "a version URL that is not http",
      { rollout: { version_url: { url: "ftp://v.test" } } },
      "rollout.version_url.url",
      "not an http(s) URL",
      "ftp://v.test",
    ],
    [
      "a version URL too long",
      { rollout: { version_url: { url: `https://v.test/${"a".repeat(2000)}` } } },
      "rollout.version_url.url",
      "longer than 2000 characters",
      expect.any(String) as unknown as string,
    ],
    [
      "zero consecutive reads",
      { rollout: { version_url: { url: "https://v.test", consecutive: 0 } } },
      "rollout.version_url.consecutive",
      "below the minimum 1",
      "0",
    ],
    ["budgets as a list", { budgets: [1] }, "budgets", "not a mapping", "(a list)"],
    ["a budget of zero minutes", { budgets: { ci_minutes: 0 } }, "budgets.ci_minutes", "below the minimum 1", "0"],
    [
      "a budget over a week",
      { budgets: { run_minutes: 10_081 } },
      "budgets.run_minutes",
      "above the maximum 10080",
      "10081",
    ],
    ["a budget in quotes", { budgets: { deploy_minutes: "30" } }, "budgets.deploy_minutes", "not a whole number", "30"],
    [
      "a fractional budget",
      { budgets: { rollout_minutes: 1.5 } },
      "budgets.rollout_minutes",
      "not a whole number",
      "1.5",
    ],
    [
      "negative fix-forward turns",
      { budgets: { fix_forward_turns: -1 } },
      "budgets.fix_forward_turns",
      "below the minimum 0",
      "-1",
    ],
  ])("refuses %s, naming the key path", (_name, raw, variable, problem, value) => {
    const errors = parseErrors(raw);
    expect(errors).toEqual([{ variable, problem, value, accepted: expect.any(String) }]);
    expect(errors[0]?.accepted.length).toBeGreaterThan(5);
  });

  it.each<[string, unknown, string, string, string]>([
    [
      "at the top level",
      { required_check: ["test"] },
      "required_check",
      "unknown key; did you mean required_checks?",
      "one of required_checks, ignored_checks, woodpecker, rollout, budgets",
    ],
    [
      "the other woodpecker form",
      { woodpecker_repo: "acme/widgets" },
      "woodpecker_repo",
      "unknown key; did you mean woodpecker?",
      "one of required_checks, ignored_checks, woodpecker, rollout, budgets",
    ],
    [
      "in budgets",
      { budgets: { ci_minute: 5 } },
      "budgets.ci_minute",
      "unknown key; did you mean ci_minutes?",
      "one of fix_forward_turns, run_minutes, ci_minutes, ci_no_checks_minutes, deploy_minutes, deploy_blocked_minutes, rollout_minutes",
    ],
    [
      "in rollout, besides the missing target",
      { rollout: { versionurl: {} } },
      "rollout.versionurl",
      "unknown key; did you mean version_url?",
      "one of kubernetes, version_url",
    ],
    [
      "in kubernetes",
      { rollout: { kubernetes: { namespace: "a", deployment: "b", container: "c", image: "x" } } },
      "rollout.kubernetes.image",
      "unknown key",
      "one of namespace, deployment, container",
    ],
    [
      "in version_url",
      { rollout: { version_url: { url: "https://v.test", consecutiv: 2 } } },
      "rollout.version_url.consecutiv",
      "unknown key; did you mean consecutive?",
      "one of url, consecutive",
    ],
    [
      "in woodpecker",
      { woodpecker: { repo: "a/b", branch: "main" } },
      "woodpecker.branch",
      "unknown key",
      "one of repo",
    ],
  ])("refuses an unknown key %s, suggesting the nearest", (_name, raw, variable, problem, accepted) => {
    expect(parseErrors(raw)).toContainEqual(expect.objectContaining({ variable, problem, accepted }));
  });

  it("collects the errors of every key in one pass", () => {
    const errors = parseErrors({
      required_checks: [1],
      budgets: { ci_minutes: 0 },
      woodpecker: { repo: "x" },
      extra: true,
    });
    expect(errors.map((error) => error.variable).sort()).toEqual([
      "budgets.ci_minutes",
      "extra",
      "required_checks[0]",
      "woodpecker.repo",
    ]);
  });

  it("a check cannot be both required and ignored", () => {
    expect(parseErrors({ required_checks: ["test", "lint"], ignored_checks: ["lint"] })).toEqual([
      expect.objectContaining({ variable: "ignored_checks[0]", value: "lint", problem: "also a required check" }),
    ]);
  });

  it("a Woodpecker repo needs the operator's Woodpecker server", () => {
    const errors = parseErrors({ woodpecker: { repo: "acme/widgets" } }, anOperator({ woodpecker: null }));
    expect(errors).toEqual([
      expect.objectContaining({
        variable: "woodpecker",
        value: "acme/widgets",
        problem: expect.stringContaining("WOODPECKER_URL"),
      }),
    ]);
  });

  it("a Kubernetes rollout needs the operator's Kubernetes API", () => {
    const operator = anOperator({ kube: { apiUrl: null, tokenFile: "/t", caFile: "/ca" } });
    const errors = parseErrors(
      { rollout: { kubernetes: { namespace: "a", deployment: "b", container: "c" } } },
      operator,
    );
    expect(errors).toEqual([
      expect.objectContaining({
        variable: "rollout.kubernetes",
        value: "(a mapping)",
        problem: expect.stringContaining("AFK_KUBE_API_URL"),
      }),
    ]);
  });

  it("a self-referencing value is described, never serialized", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(parseErrors({ woodpecker: { repo: cyclic } })).toEqual([
      expect.objectContaining({ variable: "woodpecker.repo", value: "(a mapping)", problem: "not text" }),
    ]);
  });
});

describe("repoConfigSchema", () => {
  it("knows exactly the documented top-level keys", () => {
    expect(Object.keys(repoConfigSchema.shape)).toEqual([
      "required_checks",
      "ignored_checks",
      "woodpecker",
      "rollout",
      "budgets",
    ]);
  });
});
