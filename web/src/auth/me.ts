import { useQuery } from "@tanstack/react-query";

import { api } from "../api/client";
import { unwrap } from "../api/problems";
import type { components } from "../api/schema";

export type Me = components["schemas"]["Me"];

export function useMe() {
  return useQuery({
    queryKey: ["me"],
    queryFn: async () => unwrap(await api.GET("/auth/me")),
    staleTime: 60_000,
  });
}
