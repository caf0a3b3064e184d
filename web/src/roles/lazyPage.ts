import { lazy, type ComponentType, type LazyExoticComponent } from "react";

/** A screen whose code is fetched when it is first shown: signing in loads no role's screens,
 * and a clerk's browser never downloads the charts of the quality office. */
// `any` props: each screen keeps its own.
export function lazyPage<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyExoticComponent<M[K]> {
  return lazy(async () => ({ default: (await load())[name] }));
}
