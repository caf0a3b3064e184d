// The window queue's filters: they live in the address, and the service applies them.
import type { Channel, QueueFilters, Status } from "./api";
import { KINDS } from "./rules";

export const STATUSES = ["submitted", "returned", "accepted", "awaiting_partners", "issued", "rejected"] as const satisfies Status[];
export const CHANNELS = ["window", "mobile", "online", "partner"] as const satisfies Channel[];
// The service refuses a longer search.
export const SEARCH_MAX = 100;

/** The queue's filters from the address: unknown values are dropped, the status is "submitted" unless chosen. */
export function queueFiltersFrom(search: URLSearchParams): QueueFilters {
  const filters: QueueFilters = { status: STATUSES.find((value) => value === search.get("status")) ?? "submitted" };
  const channel = CHANNELS.find((value) => value === search.get("channel"));
  if (channel) filters.channel = channel;
  const kind = KINDS.find((value) => value === search.get("kind"));
  if (kind) filters.kind = kind;
  const q = search.get("q")?.trim();
  if (q && q.length <= SEARCH_MAX) filters.q = q;
  return filters;
}

/** The address's search params for the filters (empty ones left out). */
export function searchOf(filters: QueueFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined && value !== ""));
}
