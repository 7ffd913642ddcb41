// What afk refuses to run with in production (NODE_ENV=production), beyond the operator
// configuration's own rules. Probot silently uses `development` as the webhook secret
// when WEBHOOK_SECRET is unset (contracts/github.md): a production afk would then accept
// any delivery signed with that well-known word. (Arming without T3 settings is refused
// in every environment by config-rules.ts.)

import type { ConfigError } from "./config-errors.js";
import { toRedacted } from "./config-errors.js";

/** Probot's `defaultWebhookSecret` (probot/lib/server/server.js). */
export const PROBOT_DEFAULT_WEBHOOK_SECRET = "development";

export interface ProductionInput {
  /** `NODE_ENV`: the rules hold only for `production`, as Probot's own checks do. */
  readonly nodeEnv: string | undefined;
  readonly webhookSecret: string | undefined;
}

const HOW_TO_SET_SECRET =
  "the webhook secret of the GitHub App (its settings → Webhook secret), e.g. made with `openssl rand -hex 32`; set the same value in WEBHOOK_SECRET";

export function toProductionErrors(input: ProductionInput): ConfigError[] {
  if (input.nodeEnv !== "production") return [];
  const secret = input.webhookSecret ?? "";
  if (secret.trim() === "")
    return [
      {
        variable: "WEBHOOK_SECRET",
        value: null,
        problem: "missing: required in production (Probot would verify deliveries with `development`)",
        accepted: HOW_TO_SET_SECRET,
      },
    ];
  if (secret === PROBOT_DEFAULT_WEBHOOK_SECRET)
    return [
      {
        variable: "WEBHOOK_SECRET",
        value: toRedacted(secret),
        problem: "Probot's development default, which anyone can sign deliveries with",
        accepted: HOW_TO_SET_SECRET,
      },
    ];
  return [];
}
