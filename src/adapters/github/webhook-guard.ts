// Stands in front of afk's webhook handlers: only a delivery that is correctly signed
// AND that the pure mapping (core/ingress/to-nudge.ts) can read reaches them.
//
// Why here: @octokit/webhooks answers 500 to a correctly signed body that is JSON but not
// an object (`null`, `"text"`, `5`: its receiver reads `"action" in payload`), and a 500
// tells GitHub the delivery failed, so afk would redeliver it to itself at every start.
// A payload that lacks a field afk relies on is not afk's to act on either: it is
// answered 200 and ignored, before any handler can trip over it or act on half of it.
// Probot exposes the Webhooks instance its middleware calls, so the guard wraps that
// instance's `verifyAndReceive`; a forged delivery still gets Octokit's own 400.

import type { Actor } from "../../core/common/github-types.js";
import type { Labels } from "../../core/config/config-types.js";
import { toNudge } from "../../core/ingress/to-nudge.js";

/** The slice of `@octokit/webhooks`' `Webhooks` (Probot's `app.webhooks`) the guard wraps. */
export interface GuardedWebhooks {
  verify(payload: string, signature: string): Promise<boolean>;
  receive(event: { id: string; name: string; payload: unknown }): Promise<void>;
  verifyAndReceive(event: { id: string; name: string; payload: string; signature: string }): Promise<void>;
}

export interface WebhookGuardLog {
  debug(fields: object, message: string): void;
}

/**
 * Nobody's bot: the guard asks the mapping only whether it can read a payload. Telling
 * afk's own echoes apart needs its identity, which the handlers learn; a sender is never
 * id 0 with an empty login, so no delivery is mistaken for an echo here.
 */
const NOT_AN_ECHO_CHECK: Actor = { login: "", id: 0, type: "Bot" };

/** Octokit's middleware answers an error's `status`; an AggregateError carries it, as Octokit's own do. */
function refused(message: string): AggregateError {
  return new AggregateError([Object.assign(new Error(message), { status: 400 })], message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function guardWebhooks(webhooks: GuardedWebhooks, labels: Labels, log: WebhookGuardLog): void {
  const verifyAndReceive = webhooks.verifyAndReceive.bind(webhooks);
  const ctx = { readyLabel: labels.ready, humanLabel: labels.human, self: NOT_AN_ECHO_CHECK };
  webhooks.verifyAndReceive = async (event) => {
    const signed = await webhooks.verify(event.payload, event.signature).catch(() => false);
    // Forged, or not JSON: Octokit refuses it with its own 400 and error log.
    if (!signed) return verifyAndReceive(event);
    let payload: unknown;
    try {
      payload = JSON.parse(event.payload);
    } catch {
      return verifyAndReceive(event);
    }
    if (!isPlainObject(payload)) throw refused("the payload is not a JSON object");
    const nudge = toNudge(event.name, payload, ctx);
    if (nudge.kind === "ignore")
      return void log.debug({ delivery: event.id, event: event.name, why: nudge.why }, "delivery ignored");
    return webhooks.receive({ id: event.id, name: event.name, payload });
  };
}
