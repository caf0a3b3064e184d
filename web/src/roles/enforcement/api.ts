import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useSyncExternalStore } from "react";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { useMe } from "../../auth/me";
import { rememberCase, type RecentCase } from "./rules";

type S = components["schemas"];
export type CaseSource = S["enforcement__CaseSourceOut"];
export type CaseSourceIn = S["enforcement__CaseSourceIn"];
export type Case = S["enforcement__CaseOut"];
export type CaseStep = S["enforcement__CaseStep"];
export type Deadline = S["enforcement__Deadline"];
export type InvestigationRecord = S["enforcement__InvestigationRecordOut"];
export type WatchedDeadline = S["enforcement__WatchedDeadline"];
export type PublicityEntry = S["enforcement__PublicityEntry"];
export type SourceStatus = "received" | "filed" | "declined";

const KEY = "enforcement";

// The service answers at most 500 case sources a call and has no cursor: the list reads them all.
const LIST_LIMIT = 500;

export const useCaseSources = (status: SourceStatus | "all") =>
  useQuery({
    queryKey: [KEY, "case-sources", status],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/enforcement/case-sources", {
          params: { query: { status: status === "all" ? undefined : status, limit: LIST_LIMIT } },
        }),
      ).case_sources,
  });

export const useCaseSource = (id: string) =>
  useQuery({
    queryKey: [KEY, "case-source", id],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/enforcement/case-sources/{case_source_id}", { params: { path: { case_source_id: id } } }),
      ),
  });

export const useCase = (id: string) =>
  useQuery({
    queryKey: [KEY, "case", id],
    queryFn: async () => unwrap(await api.GET("/api/enforcement/cases/{case_id}", { params: { path: { case_id: id } } })),
  });

export const useDeadlines = () =>
  useQuery({
    queryKey: [KEY, "deadlines"],
    queryFn: async () => unwrap(await api.GET("/api/enforcement/deadlines")).deadlines,
  });

export const usePublicity = () =>
  useQuery({
    queryKey: [KEY, "publicity"],
    queryFn: async () =>
      unwrap(await api.GET("/api/enforcement/publicity", { params: { query: { limit: LIST_LIMIT } } })).entries,
  });

/** A case source from trademark, advertising or market, entered at the desk. */
export function useHandIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CaseSourceIn) =>
      unwrap(
        await api.POST("/api/enforcement/case-sources", {
          body,
          // A double click or a retried request never enters the case source twice.
          params: { header: { "Idempotency-Key": crypto.randomUUID() } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [KEY, "case-sources"] }),
  });
}

export type SourceStep =
  | { step: "file"; body: S["enforcement__FileIn"] }
  | { step: "decline"; body: S["enforcement__DeclineIn"] }
  | { step: "extension"; body: S["enforcement__ExtensionIn"] }
  | { step: "testing"; body: S["enforcement__TestingIn"] };

/** Filing answers the new case; every other step of a case source answers the case source. */
export type SourceStepResult = { case: S["enforcement__CaseFiledOut"] } | { source: CaseSource };

async function sourceStep(id: string, asked: SourceStep): Promise<SourceStepResult> {
  const path = { params: { path: { case_source_id: id } } };
  switch (asked.step) {
    case "file":
      return { case: unwrap(await api.POST("/api/enforcement/case-sources/{case_source_id}/file", { ...path, body: asked.body })) };
    case "decline":
      return {
        source: unwrap(await api.POST("/api/enforcement/case-sources/{case_source_id}/decline", { ...path, body: asked.body })),
      };
    case "extension":
      return {
        source: unwrap(await api.POST("/api/enforcement/case-sources/{case_source_id}/extension", { ...path, body: asked.body })),
      };
    case "testing":
      return {
        source: unwrap(await api.POST("/api/enforcement/case-sources/{case_source_id}/testing", { ...path, body: asked.body })),
      };
  }
}

/** One step of a case source: file, decline, extend verification, exclude testing time. */
export function useSourceStep() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, asked }: { id: string; asked: SourceStep }) => sourceStep(id, asked),
    onSuccess: (result, { id }) => {
      if ("source" in result) client.setQueryData([KEY, "case-source", id], result.source);
      else void client.invalidateQueries({ queryKey: [KEY, "case-source", id] });
      void client.invalidateQueries({ queryKey: [KEY, "case-sources"] });
      void client.invalidateQueries({ queryKey: [KEY, "deadlines"] });
    },
  });
}

export type CaseStepAsked =
  | { step: "notice"; body: S["enforcement__NoticeIn"] }
  | { step: "record"; body: S["enforcement__InvestigationRecordIn"] }
  | { step: "stop"; body: S["enforcement__StopIn"] }
  | { step: "extension"; body: S["enforcement__DecisionExtensionIn"] }
  | { step: "decision"; body: S["enforcement__DecisionIn"] }
  | { step: "payment"; body: S["enforcement__PaymentIn"] }
  | { step: "withdrawal"; body: S["enforcement__PublicityWithdrawalIn"] }
  | { step: "returnVisit"; body: S["enforcement__ReturnVisitIn"] };

/** One step of a case; the answer is the case as it now stands (a record answers only itself). */
async function caseStep(id: string, asked: CaseStepAsked): Promise<Case | null> {
  const path = { params: { path: { case_id: id } } };
  switch (asked.step) {
    case "notice":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/notice", { ...path, body: asked.body }));
    case "record":
      unwrap(await api.POST("/api/enforcement/cases/{case_id}/investigation-records", { ...path, body: asked.body }));
      return null;
    case "stop":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/stops", { ...path, body: asked.body }));
    case "extension":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/extensions", { ...path, body: asked.body }));
    case "decision":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/decision", { ...path, body: asked.body }));
    case "payment":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/payment", { ...path, body: asked.body }));
    case "withdrawal":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/publicity-withdrawal", { ...path, body: asked.body }));
    case "returnVisit":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/return-visit", { ...path, body: asked.body }));
  }
}

export function useCaseStep(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (asked: CaseStepAsked) => caseStep(id, asked),
    onSuccess: async (found) => {
      if (found) client.setQueryData([KEY, "case", id], found);
      else await client.invalidateQueries({ queryKey: [KEY, "case", id] });
      void client.invalidateQueries({ queryKey: [KEY, "deadlines"] });
      void client.invalidateQueries({ queryKey: [KEY, "publicity"] });
    },
  });
}

// -- the cases this browser opened ------------------------------------------------------------
// The service lists no cases and a case source does not name the case filed from it, so the
// console remembers, per officer and in this browser only, the cases they filed or opened.

const listeners = new Set<() => void>();
const storageKey = (user: string) => `shijian.enforcement.cases.${user}`;

function readRecent(user: string): string {
  try {
    return localStorage.getItem(storageKey(user)) ?? "[]";
  } catch {
    return "[]";
  }
}

export function useRecentCases(): { cases: RecentCase[]; remember: (found: Case) => void } {
  const user = useMe().data?.sub ?? "";
  const subscribe = useCallback((listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }, []);
  const raw = useSyncExternalStore(subscribe, () => (user ? readRecent(user) : "[]"));
  const cases = parseRecent(raw);
  const remember = useCallback(
    (found: Case) => {
      if (!user) return;
      const entry: RecentCase = {
        id: found.id,
        case_source_id: found.case_source_id,
        credit_code: found.credit_code,
        status: found.status,
        decision_due: found.decision_due,
        seen_at: new Date().toISOString(),
      };
      const next = JSON.stringify(rememberCase(parseRecent(readRecent(user)), entry));
      try {
        localStorage.setItem(storageKey(user), next);
      } catch {
        return; // a browser that keeps nothing simply remembers nothing
      }
      listeners.forEach((listener) => listener());
    },
    [user],
  );
  return { cases, remember };
}

function parseRecent(raw: string): RecentCase[] {
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as RecentCase[]) : [];
  } catch {
    return [];
  }
}
