// Filters an officer names and comes back to, per screen, kept in this browser (they are not
// secrets: a filter is the list's address query, like `status=accepted`).

export interface SavedFilter {
  name: string;
  query: string;
}

type Store = Pick<Storage, "getItem" | "setItem">;

const key = (screen: string) => `shijian.filters.${screen}`;

export function savedFilters(store: Store, screen: string): SavedFilter[] {
  try {
    const found: unknown = JSON.parse(store.getItem(key(screen)) ?? "[]");
    return Array.isArray(found)
      ? found.filter((item): item is SavedFilter => typeof item?.name === "string" && typeof item?.query === "string")
      : [];
  } catch {
    return []; // a damaged entry is forgotten, not fatal
  }
}

/** Save `query` under `name` (replacing one of the same name), newest first. */
export function saveFilter(store: Store, screen: string, name: string, query: string): SavedFilter[] {
  const kept = savedFilters(store, screen).filter((filter) => filter.name !== name.trim());
  const next = [{ name: name.trim(), query: query.replace(/^\?/, "") }, ...kept];
  store.setItem(key(screen), JSON.stringify(next));
  return next;
}

export function forgetFilter(store: Store, screen: string, name: string): SavedFilter[] {
  const next = savedFilters(store, screen).filter((filter) => filter.name !== name);
  store.setItem(key(screen), JSON.stringify(next));
  return next;
}
