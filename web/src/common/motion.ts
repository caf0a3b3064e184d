import { useSyncExternalStore } from "react";

// People who asked their system for less motion get none: Ant Design's dialogs, notices and
// menus then open at once (WCAG 2.3.3). The browser tests ask for it too, so that no click lands
// on a dialog still zooming in.
const REDUCE = "(prefers-reduced-motion: reduce)";

function query(): MediaQueryList | undefined {
  return typeof window.matchMedia === "function" ? window.matchMedia(REDUCE) : undefined;
}

function subscribe(changed: () => void): () => void {
  const list = query();
  list?.addEventListener("change", changed);
  return () => list?.removeEventListener("change", changed);
}

export function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(subscribe, () => query()?.matches ?? false);
}
