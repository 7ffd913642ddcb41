// The fake GitHub's webhook deliveries to the app, as GitHub makes them: each one signed
// (X-Hub-Signature-256 over the exact body), named (X-GitHub-Event) and identified
// (X-GitHub-Delivery, the same on a redelivery), sent after the API answer that caused it,
// and logged with the app's HTTP answer: that log feeds `GET /app/hook/deliveries`, and
// `POST /app/hook/deliveries/{id}/attempts` sends a logged delivery again.
//
// Deliveries go out one at a time, in the order they were caused, unless a test says
// otherwise: `delayMs` (each waits that long, in real time), `dropNext` (lost: GitHub
// could not reach the app, or it answered 2xx and the work was lost), `hold` and
// `release("reversed")` (out of order). `settled()` resolves once nothing is queued or
// in flight.

import { signDelivery } from "../support/sign-delivery.js";

/** One entry of `GET /app/hook/deliveries`. */
export interface HookDelivery {
  readonly id: number;
  readonly guid: string;
  readonly delivered_at: string;
  readonly redelivery: boolean;
  readonly duration: number;
  /** "OK", or GitHub's words for the failure ("Invalid HTTP Response: 500", "failed to connect to host"). */
  readonly status: string;
  /** The app's HTTP answer; 0 when it never answered. */
  readonly status_code: number;
  readonly event: string;
  readonly action: string | null;
  readonly installation_id: number | null;
  readonly repository_id: number | null;
}

export interface SentWebhook {
  readonly id: number;
  readonly guid: string;
  readonly event: string;
  readonly action: string | null;
  /** `sender.login` of the payload. */
  readonly sender: string | null;
  /** Caused by a write the app made through the API. */
  readonly echo: boolean;
  readonly redelivery: boolean;
  readonly payload: unknown;
  /** The app's HTTP answer; null when the delivery was dropped or never answered. */
  readonly status: number | null;
}

export interface WebhookInput {
  readonly event: string;
  readonly payload: unknown;
  /** The `X-GitHub-Delivery`; a fresh UUID when absent. */
  readonly guid?: string;
  readonly echo?: boolean;
}

interface Queued extends WebhookInput {
  readonly guid: string;
  readonly redelivery: boolean;
  readonly done: (sent: SentWebhook) => void;
}

interface Drop {
  readonly match: (input: { event: string; action: string | null }) => boolean;
  /** `failed`: GitHub could not reach the app (logged as failed, redeliverable). `lost`: logged OK, never handled. */
  readonly as: "failed" | "lost";
  remaining: number;
}

/** GitHub gives up on a delivery the app has not answered in 10 s. */
const DELIVERY_TIMEOUT_MS = 10_000;

export class FakeWebhooks {
  /** The delivery log, oldest first (`GET /app/hook/deliveries` lists it newest first). */
  readonly deliveries: HookDelivery[] = [];
  /** Everything sent or dropped, oldest first, with its payload. */
  readonly sent: SentWebhook[] = [];
  /** Echoes of the app's writes caused while no app was connected: GitHub would have tried to deliver them. */
  readonly unsent: WebhookInput[] = [];
  /** Delivery ids the app asked GitHub to redeliver. */
  readonly redelivered: number[] = [];
  /** Real milliseconds each queued delivery waits before it goes out. */
  delayMs = 0;
  readonly #queue: Queued[] = [];
  readonly #drops: Drop[] = [];
  readonly #payloads = new Map<number, WebhookInput>();
  readonly #waiters: (() => void)[] = [];
  readonly #newId: () => number;
  readonly #clock: () => number;
  #target: { readonly webhookUrl: string; readonly secret: string } | null = null;
  #running = false;
  #held = false;
  #inFlight = 0;

  constructor(newId: () => number, clock: () => number) {
    this.#newId = newId;
    this.#clock = clock;
  }

  /** Where GitHub delivers the app's webhooks, and the secret it signs them with. */
  connect(target: { readonly webhookUrl: string; readonly secret: string }): void {
    this.#target = target;
  }

  /** No app to deliver to: what is queued is forgotten. */
  disconnect(): void {
    this.#target = null;
    for (const queued of this.#queue.splice(0)) queued.done(this.#record(queued, null, "not connected", 0));
    this.#wake();
  }

  get connected(): boolean {
    return this.#target !== null;
  }

  /** Queued behind the others (and subject to the knobs); resolves once the app answered, or it was dropped. */
  enqueue(input: WebhookInput): Promise<SentWebhook> {
    return new Promise((resolve) => {
      if (this.#target === null) {
        if (input.echo === true) this.unsent.push(input);
        return resolve(this.#record(toQueued(input, false), null, "not connected", 0, false));
      }
      this.#queue.push(toQueued(input, false, resolve));
      void this.#pump();
    });
  }

  /** Sent now, ahead of the queue and regardless of the knobs (a test posting by hand); resolves with the answer. */
  async send(input: WebhookInput): Promise<SentWebhook> {
    this.#inFlight += 1;
    try {
      return await this.#post(toQueued(input, false));
    } finally {
      this.#inFlight -= 1;
      this.#wake();
    }
  }

  /** The next `times` deliveries that `match` are lost. */
  dropNext(times = 1, options: { readonly match?: Drop["match"]; readonly as?: Drop["as"] } = {}): void {
    this.#drops.push({ match: options.match ?? (() => true), as: options.as ?? "failed", remaining: times });
  }

  /** Deliveries wait in the queue until `release`. */
  hold(): void {
    this.#held = true;
  }

  /** Sends what was held, in the order it was caused or reversed. */
  release(order: "in-order" | "reversed" = "in-order"): void {
    this.#held = false;
    if (order === "reversed") this.#queue.reverse();
    void this.#pump();
  }

  /** Resolves once nothing is queued (held deliveries excepted) or in flight. */
  settled(): Promise<void> {
    if (this.#idle()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  get busy(): boolean {
    return !this.#idle();
  }

  /** `POST /app/hook/deliveries/{id}/attempts`: false when GitHub has no such delivery. */
  redeliver(id: number): boolean {
    if (!this.deliveries.some((delivery) => delivery.id === id)) return false;
    this.redelivered.push(id);
    const input = this.#payloads.get(id);
    const original = this.deliveries.find((delivery) => delivery.id === id);
    if (input !== undefined && original !== undefined && this.#target !== null) {
      this.#queue.push({ ...toQueued({ ...input, guid: original.guid }, true, () => undefined) });
      // After the 202 has left, as GitHub queues it.
      setImmediate(() => void this.#pump());
    }
    return true;
  }

  #idle(): boolean {
    return this.#inFlight === 0 && !this.#running && (this.#queue.length === 0 || this.#held);
  }

  #wake(): void {
    if (!this.#idle()) return;
    for (const resolve of this.#waiters.splice(0)) resolve();
  }

  async #pump(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    try {
      while (!this.#held && this.#queue.length > 0) {
        const queued = this.#queue.shift();
        if (queued === undefined) break;
        if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
        const action = actionOf(queued.payload);
        const drop = this.#drops.find((d) => d.remaining > 0 && d.match({ event: queued.event, action }));
        if (drop !== undefined) {
          drop.remaining -= 1;
          queued.done(
            drop.as === "failed"
              ? this.#record(queued, null, "failed to connect to host", 0)
              : this.#record(queued, null, "OK", 200),
          );
          continue;
        }
        queued.done(await this.#post(queued));
      }
    } finally {
      this.#running = false;
      this.#wake();
    }
  }

  async #post(queued: Queued): Promise<SentWebhook> {
    const target = this.#target;
    if (target === null) return this.#record(queued, null, "not connected", 0, false);
    const signed = signDelivery({
      event: queued.event,
      payload: queued.payload,
      secret: target.secret,
      id: queued.guid,
    });
    const started = Date.now();
    try {
      const response = await fetch(target.webhookUrl, {
        method: "POST",
        headers: { ...signed.headers },
        body: signed.body,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      const ok = response.status >= 200 && response.status < 300;
      const words = ok ? "OK" : `Invalid HTTP Response: ${response.status}`;
      return this.#record(queued, response.status, words, response.status, true, Date.now() - started);
    } catch (error) {
      const timedOut = error instanceof Error && error.name === "TimeoutError";
      return this.#record(queued, null, timedOut ? "timed out" : "failed to connect to host", 0);
    }
  }

  #record(
    queued: Queued,
    answer: number | null,
    status: string,
    statusCode: number,
    logged = true,
    durationMs = 0,
  ): SentWebhook {
    const id = this.#newId();
    const payload = queued.payload as {
      installation?: { id?: number };
      repository?: { id?: number };
      sender?: { login?: string };
    };
    const sent: SentWebhook = {
      id,
      guid: queued.guid,
      event: queued.event,
      action: actionOf(queued.payload),
      sender: payload.sender?.login ?? null,
      echo: queued.echo === true,
      redelivery: queued.redelivery,
      payload: queued.payload,
      status: answer,
    };
    if (!logged) return sent;
    this.sent.push(sent);
    this.#payloads.set(id, { event: queued.event, payload: queued.payload, echo: queued.echo === true });
    this.deliveries.push({
      id,
      guid: queued.guid,
      delivered_at: new Date(this.#clock()).toISOString(),
      redelivery: queued.redelivery,
      duration: durationMs / 1000,
      status,
      status_code: statusCode,
      event: queued.event,
      action: sent.action,
      installation_id: payload.installation?.id ?? null,
      repository_id: payload.repository?.id ?? null,
    });
    return sent;
  }
}

function toQueued(input: WebhookInput, redelivery: boolean, done: Queued["done"] = () => undefined): Queued {
  return { ...input, guid: input.guid ?? crypto.randomUUID(), redelivery, done };
}

function actionOf(payload: unknown): string | null {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? action : null;
}
