// Whether afk may act at all (DESIGN 1.5: ships disarmed), in words for the start-up log.

import type { OperatorConfig } from "./config-types.js";

export interface Arming {
  readonly armed: boolean;
  readonly message: string;
}

export function describeArming(config: Pick<OperatorConfig, "killSwitch" | "allowlist">): Arming {
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
