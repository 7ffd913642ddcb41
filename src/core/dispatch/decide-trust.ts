// Trust (DESIGN section 4): may this actor's ready label start an agent? The identity
// comes from the payload (or the events); the role from one collaborator
// permission call, which the shell skips when `needsRoleLookup` says the role cannot
// change the outcome. Everything unknown fails closed.

import type { RepoOwner, TrustConfig, TrustDecision } from "./dispatch-types.js";
import { assertNever } from "../common/assert-never.js";
import { type Actor, type Role } from "../common/github-types.js";
import type { ApprovalRole } from "../run/run-types.js";
import { isSameText } from "../common/text.js";

/** Roles that no configuration can make trusted: they cannot push to the repo. */
const NEVER_TRUSTED_ROLES: readonly Role[] = ["read", "none"];

export interface TrustInput {
  readonly labeler: Actor | null;
  /** Null when the role could not be read. */
  readonly role: Role | null;
  readonly repoOwner: RepoOwner;
  readonly config: TrustConfig;
}

function trusted(why: string, standing: ApprovalRole): TrustDecision {
  return { trusted: true, why, standing };
}

function untrusted(why: string, standing: string): TrustDecision {
  return { trusted: false, why, standing };
}

// Both login and id must match: a login can be renamed and then claimed by someone else,
// an id cannot.
function decideBot(bot: Actor, config: TrustConfig): TrustDecision {
  const byLogin = config.trustedBots.filter((entry) => isSameText(entry.login, bot.login));
  if (byLogin.some((entry) => entry.id === bot.id))
    return trusted(`bot ${bot.login} (id ${bot.id}) is on the trusted bots list`, "bot");
  if (byLogin.length > 0) {
    return untrusted(
      `bot ${bot.login} matches a trusted bot by login, but its id ${bot.id} is not the allowlisted id`,
      "bot",
    );
  }
  return untrusted(`bot ${bot.login} is not on the trusted bots list`, "bot");
}

function trustableRoles(config: TrustConfig): readonly Role[] {
  return config.trustedRoles.filter((role) => !NEVER_TRUSTED_ROLES.includes(role));
}

// A user's trust depends on the role unless the user owns the repo, or no role could
// ever be trusted under this configuration.
function decideUserWithoutRole(user: Actor, repoOwner: RepoOwner, config: TrustConfig): TrustDecision | null {
  if (repoOwner.type === "User" && isSameText(repoOwner.login, user.login)) {
    return trusted(`${user.login} owns the user-owned repository`, "owner");
  }
  if (trustableRoles(config).length === 0)
    return untrusted(`no repository role is configured as trusted, so ${user.login} is not trusted`, "unknown");
  return null;
}

/** The decision when it does not depend on the labeler's role, else null. */
function decideWithoutRole(labeler: Actor, repoOwner: RepoOwner, config: TrustConfig): TrustDecision | null {
  switch (labeler.type) {
    case "Bot":
      return decideBot(labeler, config);
    case "Organization":
      return untrusted(`${labeler.login} is an organization account, which is never trusted`, "organization");
    case "Mannequin":
      return untrusted(
        `${labeler.login} is a mannequin (a placeholder for an imported user), which is never trusted`,
        "mannequin",
      );
    case "User":
      return decideUserWithoutRole(labeler, repoOwner, config);
    default:
      return assertNever(labeler.type);
  }
}

function decideByRole(login: string, role: Role | null, config: TrustConfig): TrustDecision {
  if (role === null) return untrusted(`the repository role of ${login} could not be read (fail closed)`, "unknown");
  if (NEVER_TRUSTED_ROLES.includes(role) || role === "none")
    return untrusted(`${login} has role ${role}, which is never trusted`, role);
  if (role !== "read" && config.trustedRoles.includes(role))
    return trusted(`${login} has role ${role}, which is trusted`, role);
  return untrusted(
    `${login} has role ${role}, which is not among the trusted roles (${trustableRoles(config).join(", ")})`,
    role,
  );
}

export function decideTrust(input: TrustInput): TrustDecision {
  const { labeler, role, repoOwner, config } = input;
  if (labeler === null) return untrusted("no attributable labeler", "unknown");
  return decideWithoutRole(labeler, repoOwner, config) ?? decideByRole(labeler.login, role, config);
}

/** False when the labeler's role cannot change the decision: the shell skips the API call. */
export function needsRoleLookup(labeler: Actor | null, repoOwner: RepoOwner, config: TrustConfig): boolean {
  return labeler !== null && decideWithoutRole(labeler, repoOwner, config) === null;
}
