// Each enrolled repo's `.github/afk.yml`, read from its default branch with the
// installation's token and judged by the same parser a dispatch uses. Absent is fine.
// Pure: the caller reads and parses the YAML.

import { assertNever } from "../../core/common/assert-never.js";
import { formatConfigErrors } from "../../core/config/config-errors.js";
import type { RepoConfig } from "../../core/config/config-types.js";
import type { RepoConfigResult } from "../../core/config/repo-config.js";
import { describeError, type PortError } from "../../ports/result.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";
import { toGenericFix } from "./generic-fix.js";

export const AFK_YML = ".github/afk.yml";

export type RepoConfigRead =
  | { readonly kind: "unread"; readonly error: PortError }
  | { readonly kind: "absent"; readonly branch: string }
  | { readonly kind: "not-yaml"; readonly branch: string; readonly why: string }
  | { readonly kind: "parsed"; readonly branch: string; readonly result: RepoConfigResult };

export function toRepoConfigLine(repo: string, read: RepoConfigRead): DoctorLine {
  const fix = `correct ${AFK_YML} on the default branch of ${repo}: each problem names its key and the accepted form.`;
  switch (read.kind) {
    case "unread":
      return fail(
        `${repo}: ${AFK_YML} could not be read: ${describeError(read.error)}`,
        toGenericFix(read.error, "the app's installation"),
      );
    case "absent":
      return pass(`${repo}: no ${AFK_YML} on ${read.branch} (CI alone decides; the operator's budgets apply)`);
    case "not-yaml":
      return fail(`${repo}: ${AFK_YML} on ${read.branch} is not valid YAML (${read.why})`, fix);
    case "parsed": {
      const { result } = read;
      if (!result.ok)
        return fail(
          `${repo}: ${AFK_YML} on ${read.branch} is invalid: ${formatConfigErrors(result.errors).split("\n").join("; ")}`,
          fix,
        );
      const capped = result.clamped.length === 0 ? "" : `; capped at the operator's: ${result.clamped.join(", ")}`;
      return pass(`${repo}: ${AFK_YML} on ${read.branch} is valid (${describeStages(result.config)}${capped})`);
    }
    default:
      return assertNever(read);
  }
}

export function toRepoConfigSkipLine(repo: string, why: string): DoctorLine {
  return skip(`${repo}: ${AFK_YML} not read (${why})`);
}

function describeStages(config: RepoConfig): string {
  const deploy = config.woodpeckerRepo === null ? "no deploy stage" : `deploy: Woodpecker ${config.woodpeckerRepo}`;
  const rollout = config.rollout;
  if (rollout === null) return `${deploy}; no rollout stage`;
  switch (rollout.kind) {
    case "kubernetes":
      return `${deploy}; rollout: Deployment ${rollout.namespace}/${rollout.deployment}`;
    case "version-url":
      return `${deploy}; rollout: a version URL`;
    default:
      return assertNever(rollout);
  }
}
