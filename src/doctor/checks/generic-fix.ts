// The fix for a failure a check has no sharper advice for, by its category (the ports'
// vocabulary, src/ports/result.ts). Pure.

import { assertNever } from "../../core/common/assert-never.js";
import type { PortError } from "../../ports/result.js";

/** `settings` names what the operator set for that system, e.g. `T3_BASE_URL`. */
export function toGenericFix(error: PortError, settings: string): string {
  switch (error.category) {
    case "rate-limited":
      return `wait ${error.retryAfterMs === null ? "a minute" : `${Math.ceil(error.retryAfterMs / 1000)} s`} and run the doctor again.`;
    case "transient":
      return `check ${settings} and that the server is up and reachable from here, then run the doctor again.`;
    case "unauthorized":
      return `check the credentials and the TLS trust given by ${settings}.`;
    case "invalid-response":
      return `check that ${settings} points at the service itself, not at a proxy or another service.`;
    case "not-found":
    case "rejected":
      return `check ${settings}.`;
    default:
      return assertNever(error.category);
  }
}
