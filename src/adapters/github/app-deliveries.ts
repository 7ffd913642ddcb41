// The app's webhook deliveries (contracts/github.md, "Delivery"): GitHub never retries a
// failed delivery by itself, so at start afk lists the recent ones and asks for another
// attempt of each event whose last delivery failed. Read as the app (JWT).
//
// `GET /app/hook/deliveries` documents a `status=failure` filter, but it is not used: it
// would hide the later successful redeliveries of the same event (same `guid`), and those
// are exactly what tells an event that needs another attempt from one that got through.

import type { Octokit } from "./octokit.js";

export interface RestDelivery {
  // Octokit's types allow a bigint for int64 ids; JSON.parse never makes one.
  readonly id: number | bigint;
  readonly guid: string;
  readonly delivered_at: string;
  /** GitHub's wording of the outcome: "OK" on success, else e.g. "Invalid HTTP Response: 500". */
  readonly status: string;
  /** The app's HTTP answer; 0 when it never answered. */
  readonly status_code: number;
}

const PER_PAGE = 100;
// 30 pages of 100 is far more than afk receives in the hours the sweep looks back; the cap
// keeps a cursor that never runs out from holding the sweep forever.
export const DELIVERY_MAX_PAGES = 30;

export function isDeliverySuccess(delivery: RestDelivery): boolean {
  return (delivery.status_code >= 200 && delivery.status_code < 300) || delivery.status === "OK";
}

function isNewer(a: RestDelivery, b: RestDelivery): boolean {
  const at = Date.parse(a.delivered_at) - Date.parse(b.delivered_at);
  // Ids grow with time: they order deliveries made in the same second.
  return at > 0 || (at === 0 && Number(a.id) > Number(b.id));
}

/** For each guid delivered at or after `sinceMs`, its latest delivery's id when that one failed. */
export function toRedeliveries(deliveries: readonly RestDelivery[], sinceMs: number): number[] {
  const latest = new Map<string, RestDelivery>();
  for (const delivery of deliveries) {
    if (!(Date.parse(delivery.delivered_at) >= sinceMs)) continue;
    const seen = latest.get(delivery.guid);
    if (seen === undefined || isNewer(delivery, seen)) latest.set(delivery.guid, delivery);
  }
  return [...latest.values()].filter((delivery) => !isDeliverySuccess(delivery)).map((delivery) => Number(delivery.id));
}

function toNextCursor(link: string | undefined): string | null {
  const next = /<([^>]+)>;\s*rel="next"/.exec(link ?? "")?.[1];
  return next === undefined ? null : new URL(next).searchParams.get("cursor");
}

/** Newest first, page by page, until a page reaches back past `sinceMs` or GitHub has no more. */
export async function listDeliveriesSince(appOctokit: Octokit, sinceMs: number): Promise<RestDelivery[]> {
  const deliveries: RestDelivery[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < DELIVERY_MAX_PAGES; page++) {
    const { data, headers } = await appOctokit.request("GET /app/hook/deliveries", {
      per_page: PER_PAGE,
      ...(cursor === null ? {} : { cursor }),
    });
    deliveries.push(...data);
    cursor = toNextCursor(headers.link);
    const reachedBack = data.some((delivery) => Date.parse(delivery.delivered_at) < sinceMs);
    if (cursor === null || reachedBack) break;
  }
  return deliveries;
}
