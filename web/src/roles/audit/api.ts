import { useQuery } from "@tanstack/react-query";

import { api } from "../../api/client";
import { ApiProblem, unwrap } from "../../api/problems";
import { parseCheckpoint, trailOf } from "./rules";

const AUDIT = ["qms", "audit"];

/** The log recomputed from its stored bytes against every signed checkpoint. */
export const useVerify = () =>
  useQuery({
    queryKey: [...AUDIT, "verify"],
    queryFn: async () => unwrap(await api.GET("/api/qms/audit/verify")),
  });

/** The latest checkpoint the witnesses' quorum cosigned (null: none published yet). */
export const useCheckpoint = () =>
  useQuery({
    queryKey: [...AUDIT, "checkpoint"],
    queryFn: async () => {
      const result = await api.GET("/api/qms/audit/checkpoint", { parseAs: "text" });
      if (result.response.status === 404) return null;
      if (!result.response.ok) {
        let body = {};
        try {
          body = JSON.parse(String(result.error ?? "{}"));
        } catch {
          // not problem+json: the status alone
        }
        throw new ApiProblem(result.response.status, body);
      }
      return { note: result.data ?? "", parsed: parseCheckpoint(result.data ?? "") };
    },
  });

/** Every entry about one business (credit code), case or ticket, oldest first. */
export const useTrail = (subject: string) =>
  useQuery({
    queryKey: [...AUDIT, "trail", subject],
    enabled: subject.length > 0,
    queryFn: async () =>
      trailOf(unwrap(await api.GET("/api/qms/audit/trail", { params: { query: { subject, limit: 1000 } } })).entries),
  });
