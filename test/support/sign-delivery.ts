// A webhook delivery as GitHub sends it: the exact body bytes, and the headers that
// name, identify and sign them (https://docs.github.com/webhooks/webhook-events-and-payloads#delivery-headers).

import { createHmac, randomUUID } from "node:crypto";

/** Named as GitHub writes them; HTTP reads header names case-insensitively. */
export interface DeliveryHeaders {
  readonly "content-type": "application/json";
  readonly "User-Agent": string;
  readonly "X-GitHub-Event": string;
  readonly "X-GitHub-Delivery": string;
  readonly "X-Hub-Signature-256": `sha256=${string}`;
}

export interface Delivery {
  readonly headers: DeliveryHeaders;
  /** The bytes that were signed: send them unchanged, or the signature no longer matches. */
  readonly body: string;
}

export interface DeliveryInput {
  /** The `X-GitHub-Event` name, e.g. `issues` (the action is in the payload). */
  readonly event: string;
  readonly payload: unknown;
  readonly secret: string;
  /** The `X-GitHub-Delivery` id; a fresh UUID when absent, as GitHub does. */
  readonly id?: string;
}

export interface DeliveryResponse {
  readonly status: number;
  readonly text: string;
}

/** The path Probot's `createNodeMiddleware` serves webhooks on by default. */
export const WEBHOOK_PATH = "/api/github/webhooks";

export function signDelivery({ event, payload, secret, id }: DeliveryInput): Delivery {
  const body = JSON.stringify(payload);
  const signature = createHmac("sha256", secret).update(body, "utf8").digest("hex");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "User-Agent": "GitHub-Hookshot/afk-test",
      "X-GitHub-Event": event,
      "X-GitHub-Delivery": id ?? randomUUID(),
      "X-Hub-Signature-256": `sha256=${signature}`,
    },
  };
}

/** POSTs the delivery to `baseUrl` (e.g. `http://127.0.0.1:PORT`) + the webhook path and reads the whole answer. */
export async function postDelivery(baseUrl: string, delivery: Delivery): Promise<DeliveryResponse> {
  const url = `${baseUrl.replace(/\/+$/, "")}${WEBHOOK_PATH}`;
  const response = await fetch(url, { method: "POST", headers: { ...delivery.headers }, body: delivery.body });
  return { status: response.status, text: await response.text() };
}
