import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { usePagedList } from "../../common/PagedList";
import type { CaseQuery, SourceQuery } from "./rules";

type S = components["schemas"];
export type CaseSource = S["enforcement__CaseSourceOut"];
export type CaseSourceIn = S["enforcement__CaseSourceIn"];
export type Case = S["enforcement__CaseOut"];
export type CaseSummary = S["enforcement__CaseSummary"];
export type CaseStep = S["enforcement__CaseStep"];
export type Deadline = S["enforcement__Deadline"];
export type InvestigationRecord = S["enforcement__InvestigationRecordOut"];
export type WatchedDeadline = S["enforcement__WatchedDeadline"];
export type PublicityEntry = S["enforcement__PublicityEntry"];
export type PenaltyNotice = S["enforcement__PenaltyNoticeOut"];
export type Statement = S["enforcement__StatementOut"];
export type CaseDeadline = S["enforcement__CaseDeadline"];
export type SourceStatus = "received" | "filed" | "declined";

const KEY = "enforcement";

const PAGE = 50;
// The publicity feed has no cursor: its newest 500 entries (the most it answers) are read.
const PUBLICITY_LIMIT = 500;

/** The section's case sources (the service filters them), the soonest verification deadline first, by page. */
export const useCaseSources = (query: SourceQuery) =>
  usePagedList({
    queryKey: [KEY, "case-sources", query],
    page: async (cursor) =>
      unwrap(await api.GET("/api/enforcement/case-sources", { params: { query: { ...query, cursor, limit: PAGE } } })),
    rowsIn: "case_sources",
  });

/** The section's cases, the newest filed first, by page; nothing is asked while `query` is null. */
export const useCases = (query: CaseQuery | null) =>
  usePagedList({
    queryKey: [KEY, "cases", query],
    enabled: query !== null,
    page: async (cursor) =>
      unwrap(await api.GET("/api/enforcement/cases", { params: { query: { ...query, cursor, limit: PAGE } } })),
    rowsIn: "cases",
  });

/** The case filed from a case source, once it is filed (null when the service knows none). */
export const useCaseOfSource = (sourceId: string, filed: boolean) =>
  useQuery({
    queryKey: [KEY, "cases", "of-source", sourceId],
    enabled: filed,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/enforcement/cases", {
          params: { query: { case_source_id: sourceId, limit: 1 } },
        }),
      ).cases[0] ?? null,
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
      unwrap(await api.GET("/api/enforcement/publicity", { params: { query: { limit: PUBLICITY_LIMIT } } })).entries,
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
      void client.invalidateQueries({ queryKey: [KEY, "cases"] });
      void client.invalidateQueries({ queryKey: [KEY, "deadlines"] });
    },
  });
}

export type CaseStepAsked =
  | { step: "notice"; body: S["enforcement__NoticeIn"] }
  | { step: "record"; body: S["enforcement__InvestigationRecordIn"] }
  | { step: "stop"; body: S["enforcement__StopIn"] }
  | { step: "extension"; body: S["enforcement__DecisionExtensionIn"] }
  | { step: "penaltyNotice"; body: S["enforcement__PenaltyNoticeIn"] }
  | { step: "statement"; body: S["enforcement__StatementIn"] }
  | { step: "answer"; number: number; body: S["enforcement__StatementAnswerIn"] }
  | { step: "waiver"; body: S["enforcement__WaiverIn"] }
  | { step: "hearingRequest"; body: S["enforcement__HearingRequestIn"] }
  | { step: "hearing"; body: S["enforcement__HearingIn"] }
  | { step: "decision"; body: S["enforcement__DecisionIn"] }
  | { step: "service"; body: S["enforcement__ServiceIn"] }
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
    case "penaltyNotice":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/penalty-notice", { ...path, body: asked.body }));
    case "statement":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/statements", { ...path, body: asked.body }));
    case "answer":
      return unwrap(
        await api.POST("/api/enforcement/cases/{case_id}/statements/{number}/answer", {
          params: { path: { case_id: id, number: asked.number } },
          body: asked.body,
        }),
      );
    case "waiver":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/waiver", { ...path, body: asked.body }));
    case "hearingRequest":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/hearing-request", { ...path, body: asked.body }));
    case "hearing":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/hearing", { ...path, body: asked.body }));
    case "decision":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/decision", { ...path, body: asked.body }));
    case "service":
      return unwrap(await api.POST("/api/enforcement/cases/{case_id}/service", { ...path, body: asked.body }));
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
      void client.invalidateQueries({ queryKey: [KEY, "cases"] });
      void client.invalidateQueries({ queryKey: [KEY, "deadlines"] });
      void client.invalidateQueries({ queryKey: [KEY, "publicity"] });
    },
  });
}
