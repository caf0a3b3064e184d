// Notices as they arrive, for any screen that wants to react (refresh a list, a map) beside the
// bell that counts them. One stream per signed-in tab, opened by the bell.
import { useEffect, useRef } from "react";

import type { Notice } from "./stream";

const arrivals = new EventTarget();

export function announce(notice: Notice): void {
  arrivals.dispatchEvent(new CustomEvent<Notice>("notice", { detail: notice }));
}

/** Calls `onNotice` for each notice that arrives while the component is shown. */
export function useNotices(onNotice: (notice: Notice) => void): void {
  const latest = useRef(onNotice);
  latest.current = onNotice;
  useEffect(() => {
    const listener = (event: Event) => latest.current((event as CustomEvent<Notice>).detail);
    arrivals.addEventListener("notice", listener);
    return () => arrivals.removeEventListener("notice", listener);
  }, []);
}
