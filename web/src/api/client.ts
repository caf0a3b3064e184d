// The one way the console talks to the platform: the gateway's merged OpenAPI, typed.

import createClient, { type Middleware } from "openapi-fetch";

import { session, type Session } from "../auth/session";
import type { paths } from "./schema";

/** Adds the bearer token; on a 401 refreshes once, else waits for a new sign-in and retries. */
export function authMiddleware(current: Session): Middleware {
  const originals = new WeakMap<Request, Request>();
  const authorised = async (request: Request): Promise<Request> => {
    const token = await current.accessToken();
    const copy = request.clone();
    if (token !== null) copy.headers.set("Authorization", `Bearer ${token}`);
    return copy;
  };
  return {
    async onRequest({ request }) {
      const sent = await authorised(request);
      originals.set(sent, request.clone());
      return sent;
    },
    async onResponse({ request, response }) {
      const original = originals.get(request);
      if (response.status !== 401 || original === undefined) return response;
      if (!(await current.refresh())) await current.expire();
      return fetch(await authorised(original));
    },
  };
}

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(authMiddleware(session));
