// A repo's `.github/afk.yml` (DESIGN section 9), already parsed from YAML by the caller:
//
//   required_checks: [test, lint]        # empty or absent: every check on the sha decides
//   ignored_checks: [codecov/patch]
//   woodpecker: { repo: owner/name }     # this one form only; absent: no deploy stage
//   rollout:                             # exactly one of the two; absent: no rollout stage
//     kubernetes: { namespace: web, deployment: api, container: api }
//     version_url: { url: https://example.test/version, consecutive: 3 }
//   budgets: { fix_forward_turns: 1, run_minutes: 120, ci_minutes: 30 }
//
// Keys are strict: an unknown key is an error, never ignored. Budgets can only be lower
// than the operator's: a higher value takes the operator's cap and is reported as clamped.

import { z } from "zod";
import type { Budgets, OperatorConfig, RepoConfig, RolloutTarget } from "./config-types.js";
import { defaultRepoConfig } from "./config-types.js";
import { toShownStructure, toShownValue, toUnknownProblem, type ConfigError } from "./config-errors.js";
import * as v from "./config-values.js";
import { FAILURE_NAME_MAX_CHARS, URL_MAX_CHARS } from "../run/limits.js";
import { PINNED_CHECKS_MAX } from "../run/limits.js";
import { MINUTE_MS } from "../common/time.js";

const MINUTES_MAX = 10_080;
const CONSECUTIVE_DEFAULT = 3;

export type RepoConfigResult =
  | { readonly ok: true; readonly config: RepoConfig; readonly clamped: readonly string[] }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

const checkName = z
  .string()
  .max(FAILURE_NAME_MAX_CHARS, { error: `longer than ${FAILURE_NAME_MAX_CHARS} characters` })
  .refine((name) => name.trim() !== "", { error: "an empty name" });
const checkList = z
  .array(checkName)
  .max(PINNED_CHECKS_MAX, { error: `more than ${PINNED_CHECKS_MAX} names` })
  .transform((names) => v.toDeduplicated(names, String));

const minutes = v.wholeNumber(1, MINUTES_MAX).optional();
const budgetsSchema = z.strictObject({
  fix_forward_turns: v.wholeNumber(0, 20).optional(),
  run_minutes: minutes,
  ci_minutes: minutes,
  ci_no_checks_minutes: minutes,
  deploy_minutes: minutes,
  deploy_blocked_minutes: minutes,
  rollout_minutes: minutes,
});
type BudgetKey = keyof typeof budgetsSchema.shape;

const kubernetesSchema = z.strictObject({ namespace: v.dnsLabel, deployment: v.dnsLabel, container: v.dnsLabel });
const versionUrlSchema = z.strictObject({
  url: v.httpUrl.refine((url) => url.length <= URL_MAX_CHARS, { error: `longer than ${URL_MAX_CHARS} characters` }),
  consecutive: v.wholeNumber(1, 20).default(CONSECUTIVE_DEFAULT),
});
const rolloutSchema = z
  .strictObject({ kubernetes: kubernetesSchema.optional(), version_url: versionUrlSchema.optional() })
  .refine((rollout) => (rollout.kubernetes === undefined) !== (rollout.version_url === undefined), {
    error: "not exactly one of kubernetes and version_url",
  });
const woodpeckerSchema = z.strictObject({ repo: v.ownerRepo });

export const repoConfigSchema = z.strictObject({
  required_checks: checkList.nullish(),
  ignored_checks: checkList.nullish(),
  woodpecker: woodpeckerSchema.nullish(),
  rollout: rolloutSchema.nullish(),
  budgets: budgetsSchema.nullish(),
});
type RepoConfigFile = z.output<typeof repoConfigSchema>;

const TOP_KEYS = Object.keys(repoConfigSchema.shape);
const BUDGET_KEY_NAMES = Object.keys(budgetsSchema.shape);
/** Keys of every mapping, by path, to suggest the nearest one for a typo. */
const KEYS_BY_PATH: Readonly<Record<string, readonly string[]>> = {
  "": TOP_KEYS,
  budgets: BUDGET_KEY_NAMES,
  rollout: Object.keys(rolloutSchema.shape),
  "rollout.kubernetes": Object.keys(kubernetesSchema.shape),
  "rollout.version_url": Object.keys(versionUrlSchema.shape),
  woodpecker: Object.keys(woodpeckerSchema.shape),
};

const DNS_LABEL = "a DNS-1123 label: lower-case letters, digits and -, at most 63 characters";
const ACCEPTED_IGNORED = `a list of at most ${PINNED_CHECKS_MAX} check or status names, none of them required`;
const ACCEPTED_BY_KEY: Readonly<Record<string, string | undefined>> = {
  required_checks: `a list of at most ${PINNED_CHECKS_MAX} check or status names`,
  ignored_checks: ACCEPTED_IGNORED,
  woodpecker: "a mapping with repo: owner/name",
  repo: "owner/name of the Woodpecker repository",
  rollout: "a mapping with exactly one of kubernetes or version_url",
  kubernetes: "a mapping with namespace, deployment and container",
  namespace: DNS_LABEL,
  deployment: DNS_LABEL,
  container: DNS_LABEL,
  version_url: "a mapping with url and, optionally, consecutive",
  url: "an http(s) URL that answers with the deployed commit sha",
  consecutive: "a whole number of reads from 1 to 20",
  budgets: `a mapping of ${BUDGET_KEY_NAMES.join(", ")}`,
  fix_forward_turns: "a whole number from 0 to 20 (the operator's value caps it)",
};
const ACCEPTED_MINUTES = `a whole number of minutes from 1 to ${MINUTES_MAX} (the operator's value caps it)`;

export function parseRepoConfig(raw: unknown, operator: OperatorConfig): RepoConfigResult {
  if (raw === null || raw === undefined) return { ok: true, config: defaultRepoConfig(operator), clamped: [] };
  const result = repoConfigSchema.safeParse(raw);
  if (!result.success) return { ok: false, errors: result.error.issues.flatMap((issue) => toErrors(issue, raw)) };
  const errors = toOperatorErrors(result.data, operator);
  if (errors.length > 0) return { ok: false, errors };
  const { budgets, clamped } = toClampedBudgets(result.data.budgets ?? {}, operator.budgets);
  const config: RepoConfig = {
    requiredChecks: result.data.required_checks ?? [],
    ignoredChecks: result.data.ignored_checks ?? [],
    woodpeckerRepo: result.data.woodpecker?.repo ?? null,
    rollout: toRolloutTarget(result.data.rollout),
    budgets,
  };
  return { ok: true, config, clamped };
}

/** Rules that need the operator's config, or several keys at once. */
function toOperatorErrors(file: RepoConfigFile, operator: OperatorConfig): ConfigError[] {
  const errors: ConfigError[] = [];
  const required = new Set(file.required_checks ?? []);
  (file.ignored_checks ?? []).forEach((name, index) => {
    if (!required.has(name)) return;
    errors.push({
      variable: `ignored_checks[${index}]`,
      value: name,
      problem: "also a required check",
      accepted: ACCEPTED_IGNORED,
    });
  });
  if (file.woodpecker && operator.woodpecker === null) {
    const problem = "a deploy stage, but afk has no Woodpecker server (WOODPECKER_URL is unset)";
    errors.push({
      variable: "woodpecker",
      value: file.woodpecker.repo,
      problem,
      accepted: "no woodpecker key until the operator configures Woodpecker",
    });
  }
  if (file.rollout?.kubernetes && operator.kube.apiUrl === null) {
    const problem = "a Kubernetes rollout, but afk has no Kubernetes API (not in a pod, AFK_KUBE_API_URL unset)";
    errors.push({
      variable: "rollout.kubernetes",
      value: toShownStructure(file.rollout.kubernetes),
      problem,
      accepted: "version_url, or no rollout, until the operator configures Kubernetes",
    });
  }
  return errors;
}

function toRolloutTarget(rollout: RepoConfigFile["rollout"]): RolloutTarget | null {
  if (rollout?.kubernetes) return { kind: "kubernetes", ...rollout.kubernetes };
  if (rollout?.version_url) return { kind: "version-url", ...rollout.version_url };
  return null;
}

const BUDGET_KEYS: Readonly<Record<BudgetKey, { readonly field: keyof Budgets; readonly unitMs: number }>> = {
  fix_forward_turns: { field: "fixForwardTurns", unitMs: 1 },
  run_minutes: { field: "runMs", unitMs: MINUTE_MS },
  ci_minutes: { field: "ciMs", unitMs: MINUTE_MS },
  ci_no_checks_minutes: { field: "ciNoChecksMs", unitMs: MINUTE_MS },
  deploy_minutes: { field: "deployMs", unitMs: MINUTE_MS },
  deploy_blocked_minutes: { field: "deployBlockedMs", unitMs: MINUTE_MS },
  rollout_minutes: { field: "rolloutMs", unitMs: MINUTE_MS },
};

/** Each budget the repo sets replaces the operator's, but never exceeds it. */
function toClampedBudgets(
  repo: Partial<Record<BudgetKey, number>>,
  operator: Budgets,
): { budgets: Budgets; clamped: string[] } {
  const budgets: Record<keyof Budgets, number> = { ...operator };
  const clamped: string[] = [];
  for (const [key, { field, unitMs }] of Object.entries(BUDGET_KEYS) as [
    BudgetKey,
    (typeof BUDGET_KEYS)[BudgetKey],
  ][]) {
    const value = repo[key];
    if (value === undefined) continue;
    const wanted = value * unitMs;
    if (wanted > operator[field]) clamped.push(`budgets.${key}`);
    budgets[field] = Math.min(wanted, operator[field]);
  }
  return { budgets, clamped };
}

function toErrors(issue: z.core.$ZodIssue, raw: unknown): ConfigError[] {
  if (issue.code === "unrecognized_keys") {
    const known = KEYS_BY_PATH[toPath(issue.path)] ?? [];
    const accepted = `one of ${known.join(", ")}`;
    return issue.keys.map((key) => toError([...issue.path, key], raw, toUnknownProblem("key", key, known), accepted));
  }
  const value = toValueAt(raw, issue.path);
  const problem =
    issue.code !== "invalid_type"
      ? issue.message
      : value === undefined
        ? "missing"
        : `not ${toTypeWord(issue.expected)}`;
  return [toError(issue.path, raw, problem, toAccepted(issue.path))];
}

function toError(path: readonly PropertyKey[], raw: unknown, problem: string, accepted: string): ConfigError {
  const value = toValueAt(raw, path);
  return {
    variable: toPath(path) || "(top level)",
    value: value === undefined ? null : toShownValue(toShownStructure(value)),
    problem,
    accepted,
  };
}

/** Judged by the nearest key name: list items share their list's accepted form. */
function toAccepted(path: readonly PropertyKey[]): string {
  const last = path.filter((segment): segment is string => typeof segment === "string").at(-1);
  if (last === undefined) return `a mapping of ${TOP_KEYS.join(", ")}`;
  return ACCEPTED_BY_KEY[last] ?? ACCEPTED_MINUTES;
}

function toPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment),
    "",
  );
}

function toValueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>(
    (value, segment) =>
      typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[segment] : undefined,
    raw,
  );
}

function toTypeWord(expected: string): string {
  const words: Record<string, string> = {
    string: "text",
    int: "a whole number",
    number: "a whole number",
    array: "a list",
    object: "a mapping",
  };
  return words[expected] ?? expected;
}
