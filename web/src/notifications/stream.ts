// The gateway's SSE stream of events addressed to me. EventSource cannot send a bearer token,
// so the stream is read with fetch; a reconnect sends Last-Event-ID and gets what it missed.

import { fetchEventSource } from "@microsoft/fetch-event-source";

import { session } from "../auth/session";

export interface Notice {
  id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

class StreamEnded extends Error {}

export function listen(onNotice: (notice: Notice) => void): () => void {
  const stop = new AbortController();
  void fetchEventSource("/api/notifications/stream", {
    signal: stop.signal,
    openWhenHidden: true,
    // A fresh token on every (re)connection.
    fetch: async (input, init) => {
      const token = await session.accessToken();
      const headers = new Headers(init?.headers);
      if (token) headers.set("Authorization", `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
    onmessage(message) {
      if (!message.data) return;
      const payload = JSON.parse(message.data) as Omit<Notice, "id">;
      onNotice({ id: message.id, ...payload });
    },
    onclose() {
      // The gateway ends a stream when its token expires: come back at once with a fresh one
      // (and Last-Event-ID, so nothing in between is missed).
      throw new StreamEnded();
    },
    onerror(error) {
      return error instanceof StreamEnded ? 0 : 5_000; // never give up while signed in
    },
  });
  return () => stop.abort();
}
