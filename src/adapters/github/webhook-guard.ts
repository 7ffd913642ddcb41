// afk's entry for GitHub's deliveries: only a delivery that is correctly signed AND that
// the pure mapping (core/ingress/to-nudge.ts) can read reaches afk, as the nudge it
// carries.
//
// Why here: @octokit/webhooks answers 500 to a correctly signed body that is JSON but not
// an object (`null`, `"text"`, `5`: its receiver reads `"action" in payload`), and a 500
// tells GitHub the delivery failed, so afk would redeliver it to itself at every start.
// A payload that lacks a field afk relies on is not afk's to act on either: it is
// answered 200 and ignored, before any handler can trip over it or act on half of it.
// Probot exposes the Webhooks instance its middleware calls, so the guard wraps that
// instance's `verifyAndReceive`; a forged delivery still gets Octokit's own 400.
//
// A delivery the guard lets through goes to afk's handler with its nudge, not back
// through Octokit's `receive`: Probot's transform would build a Context with a new
// installation Octokit for every delivery (afk uses its own, one per installation), the
// largest share of a delivery's CPU and garbage, and the nudge would be mapped again.
// So handlers registered with Probot's `app.on`/`onAny` are never called: afk has none.

import type { Labels } from "../../core/config/config-types.js";
import type { BotIdentity } from "../../core/ingress/is-own-act.js";
import type { Nudge } from "../../core/ingress/nudge.js";
import { toNudge } from "../../core/ingress/to-nudge.js";

/** The slice of `@octokit/webhooks`' `Webhooks` (Probot's `app.webhooks`) the guard wraps. */
export interface GuardedWebhooks {
  verify(payload: string, signature: string): Promise<boolean>;
  verifyAndReceive(event: { id: string; name: string; payload: string; signature: string }): Promise<void>;
}

export interface WebhookGuardLog {
  debug(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A signed delivery afk can read, with the nudge it carries (mapped with afk's bot as known then). */
export interface GuardedDelivery {
  readonly id: string;
  readonly name: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly nudge: Exclude<Nudge, { kind: "ignore" }>;
}

export interface WebhookGuardOptions {
  readonly labels: Labels;
  /** afk's bot when known (an issues delivery from a bot is "needs-identity" until then). */
  readonly self: () => BotIdentity | null;
  readonly log: WebhookGuardLog;
  /** afk's handler; what it throws is answered 500 (GitHub may redeliver). */
  readonly deliver: (delivery: GuardedDelivery) => Promise<void>;
}

/**
 * Octokit's middleware answers the first error's `status` (500 without one) and logs the
 * AggregateError it reads them from; the delivery's id and event go with it, as Octokit's
 * own receiver attaches them (without the payload).
 */
function failed(message: string, error: Error, event: { id: string; name: string }): AggregateError {
  return Object.assign(new AggregateError([error], message), { event: { id: event.id, name: event.name } });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function guardWebhooks(webhooks: GuardedWebhooks, options: WebhookGuardOptions): void {
  const verifyAndReceive = webhooks.verifyAndReceive.bind(webhooks);
  const { labels, self, log, deliver } = options;
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
    if (!isPlainObject(payload)) {
      const message = "the payload is not a JSON object";
      throw failed(message, Object.assign(new Error(message), { status: 400 }), event);
    }
    const nudge = toNudge(event.name, payload, { readyLabel: labels.ready, humanLabel: labels.human, self: self() });
    if (nudge.kind === "ignore")
      return void log.debug({ delivery: event.id, event: event.name, why: nudge.why }, "delivery ignored");
    try {
      await deliver({ id: event.id, name: event.name, payload, nudge });
    } catch (error) {
      const cause = error instanceof Error ? error : new Error(String(error));
      // Said here, not only by Octokit's middleware: it logs nothing for a delivery it
      // already answered 202 (still handling after its 9 s), which GitHub never redelivers.
      log.error(
        { delivery: event.id, event: event.name, err: cause },
        "handling the delivery failed; the sweep looks at what it carried",
      );
      throw failed(cause.message, cause, event);
    }
  };
}
