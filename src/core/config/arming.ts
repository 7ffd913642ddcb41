// Whether afk may act at all (DESIGN 1.5: ships disarmed): both the kill switch off AND
// the repository enrolled. The one place this rule lives; also in words for the start-up log.

import type { OperatorConfig } from "./config-types.js";

export interface Arming {
  readonly armed: boolean;
  readonly message: string;
}

type ArmingConfig = Pick<OperatorConfig, "killSwitch" | "allowlist">;

/** afk acts at all: the kill switch is off and at least one repository is enrolled. */
export function isArmed(config: ArmingConfig): boolean {
  return !config.killSwitch && config.allowlist.length > 0;
}

/** afk acts on this repository: armed, and the exact `owner/name` enrolled (case-insensitively). */
export function isArmedFor(config: ArmingConfig, repo: string): boolean {
  return !config.killSwitch && config.allowlist.includes(repo.toLowerCase());
}

export function describeArming(config: ArmingConfig): Arming {
  if (config.killSwitch) {
    return {
      armed: false,
      message: "afk is disarmed: the kill switch is on (AFK_KILL_SWITCH=on). It makes no outbound requests.",
    };
  }
  if (config.allowlist.length === 0) {
    return {
      armed: false,
      message: "afk is disarmed: no repository is enrolled (AFK_ALLOWLIST is empty). It makes no outbound requests.",
    };
  }
  const repos = config.allowlist.join(", ");
  return {
    armed: true,
    message: `afk is armed for ${config.allowlist.length} repositor${config.allowlist.length === 1 ? "y" : "ies"}: ${repos}.`,
  };
}
