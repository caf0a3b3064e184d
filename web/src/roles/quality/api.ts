import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { useMe } from "../../auth/me";
import { canAct, type NcSource, type NcStatus } from "./rules";

type S = components["schemas"];
export type Objective = S["qms__ObjectiveOut"];
export type Nonconformity = S["qms__NonconformityOut"];
export type NonconformityIn = S["qms__NonconformityIn"];
export type ActionIn = S["qms__ActionIn"];
export type EffectivenessIn = S["qms__EffectivenessIn"];
export type DocumentSummary = S["qms__DocumentSummaryOut"];
export type DocumentOut = S["qms__DocumentOut"];
export type DocumentIn = S["qms__DocumentIn"];
export type VersionIn = S["qms__VersionIn"];
export type Version = S["qms__VersionOut"];
export type Process = S["qms__ProcessOut"];
export type Audit = S["qms__AuditOut"];
export type AuditIn = S["qms__AuditIn"];
export type FindingIn = S["qms__FindingIn"];
export type MonthlyReport = S["qms__MonthlyReportOut"];
export type ReviewPack = S["qms__ReviewPackOut"];
export type DocumentKind = DocumentIn["kind"];

const QMS = "qms";

/** Whether the signed-in person acts as `role` (the auditor reads every screen but acts on none). */
export function useCan(role: string): boolean {
  return canAct(useMe().data?.roles, role);
}

// -- objectives ------------------------------------------------------------------------------

export const useObjectives = (period: string | undefined, office: string | undefined) =>
  useQuery({
    queryKey: [QMS, "objectives", period ?? "now", office ?? "bureau"],
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/objectives", { params: { query: { period, office } } })).items,
  });

export const useRecomputed = (period: string | undefined, office: string | undefined, enabled: boolean) =>
  useQuery({
    queryKey: [QMS, "objectives-recomputed", period ?? "now", office ?? "bureau"],
    enabled,
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/objectives/recomputed", { params: { query: { period, office } } })).items,
  });

// -- nonconformities -------------------------------------------------------------------------

export const useNonconformities = (status: NcStatus | undefined, source: NcSource | undefined, office: string | undefined) =>
  useQuery({
    queryKey: [QMS, "nonconformities", status ?? "all", source ?? "all", office ?? "all"],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/qms/nonconformities", { params: { query: { status, source, office, limit: 500 } } }),
      ).nonconformities,
  });

export const useNonconformity = (id: string) =>
  useQuery({
    queryKey: [QMS, "nonconformity", id],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/qms/nonconformities/{nonconformity_id}", { params: { path: { nonconformity_id: id } } }),
      ),
  });

function useNcMutation<V>(call: (variables: V) => Promise<Nonconformity>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: (nonconformity) => {
      client.setQueryData([QMS, "nonconformity", nonconformity.id], nonconformity);
      void client.invalidateQueries({ queryKey: [QMS, "nonconformities"] });
    },
  });
}

export const useRaise = () =>
  useNcMutation(async (body: NonconformityIn) => unwrap(await api.POST("/api/qms/nonconformities", { body })));

const ncPath = (id: string) => ({ path: { nonconformity_id: id } });

/** Plan a corrective action on one nonconformity (`id` in the variables: the bulk plan uses it too). */
export const usePlanAction = () =>
  useNcMutation(async ({ id, body }: { id: string; body: ActionIn }) =>
    unwrap(await api.POST("/api/qms/nonconformities/{nonconformity_id}/actions", { params: ncPath(id), body })),
  );

export const useCompleteAction = (id: string) =>
  useNcMutation(async (number: number) =>
    unwrap(
      await api.POST("/api/qms/nonconformities/{nonconformity_id}/actions/{number}/done", {
        params: { path: { nonconformity_id: id, number } },
      }),
    ),
  );

export const useCheckEffectiveness = (id: string) =>
  useNcMutation(async (body: EffectivenessIn) =>
    unwrap(await api.POST("/api/qms/nonconformities/{nonconformity_id}/effectiveness", { params: ncPath(id), body })),
  );

// -- documents -------------------------------------------------------------------------------

export const useProcesses = () =>
  useQuery({
    queryKey: [QMS, "processes"],
    queryFn: async () => unwrap(await api.GET("/api/qms/processes")).processes,
  });

export const useDocuments = (process: string | undefined, kind: DocumentKind | undefined, inForce: boolean | undefined) =>
  useQuery({
    queryKey: [QMS, "documents", process ?? "all", kind ?? "all", inForce ?? "all"],
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/documents", { params: { query: { process, kind, in_force: inForce } } })).documents,
  });

export const useDocument = (id: string) =>
  useQuery({
    queryKey: [QMS, "document", id],
    queryFn: async () => unwrap(await api.GET("/api/qms/documents/{id}", { params: { path: { id } } })),
  });

export const useVersionText = (id: string, n: number | null) =>
  useQuery({
    queryKey: [QMS, "version", id, n],
    enabled: n !== null,
    staleTime: Infinity,
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/documents/{id}/versions/{n}", { params: { path: { id, n: n ?? 1 } } })),
  });

const once = () => ({ header: { "Idempotency-Key": crypto.randomUUID() } });

export function useWriteDocument() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: DocumentIn) => unwrap(await api.POST("/api/qms/documents", { body, params: once() })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: [QMS, "documents"] });
      void client.invalidateQueries({ queryKey: [QMS, "processes"] });
    },
  });
}

function useDocumentMutation<V>(id: string, call: (variables: V) => Promise<Version>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: [QMS, "document", id] });
      void client.invalidateQueries({ queryKey: [QMS, "documents"] });
      void client.invalidateQueries({ queryKey: [QMS, "processes"] });
    },
  });
}

export const useWriteVersion = (id: string) =>
  useDocumentMutation(id, async (body: VersionIn) =>
    unwrap(await api.POST("/api/qms/documents/{id}/versions", { params: { path: { id }, ...once() }, body })),
  );

export const useApprove = (id: string) =>
  useDocumentMutation(id, async ({ n, effectiveDate }: { n: number; effectiveDate: string | null }) =>
    unwrap(
      await api.POST("/api/qms/documents/{id}/versions/{n}/approve", {
        params: { path: { id, n } },
        body: { effective_date: effectiveDate },
      }),
    ),
  );

// -- internal audits -------------------------------------------------------------------------

export const useAudits = (year: number | undefined) =>
  useQuery({
    queryKey: [QMS, "audits", year ?? "all"],
    queryFn: async () => unwrap(await api.GET("/api/qms/audits", { params: { query: { year } } })).audits,
  });

export const useAudit = (id: string) =>
  useQuery({
    queryKey: [QMS, "audit", id],
    queryFn: async () => unwrap(await api.GET("/api/qms/audits/{audit_id}", { params: { path: { audit_id: id } } })),
  });

export function usePlanAudit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: AuditIn) => unwrap(await api.POST("/api/qms/audits", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: [QMS, "audits"] }),
  });
}

export function useRecordFinding(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: FindingIn) =>
      unwrap(await api.POST("/api/qms/audits/{audit_id}/findings", { params: { path: { audit_id: id } }, body })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: [QMS, "audit", id] });
      void client.invalidateQueries({ queryKey: [QMS, "audits"] });
      void client.invalidateQueries({ queryKey: [QMS, "nonconformities"] });
    },
  });
}

// -- reports ---------------------------------------------------------------------------------

export const useMonthlyReport = (month: string, office: string | undefined) =>
  useQuery({
    queryKey: [QMS, "monthly", month, office ?? "bureau"],
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/reports/monthly", { params: { query: { month, office } } })) as MonthlyReport,
  });

export const useReviewPack = (first: string, last: string) =>
  useQuery({
    queryKey: [QMS, "review", first, last],
    queryFn: async () =>
      unwrap(await api.GET("/api/qms/reviews/pack", { params: { query: { from: first, to: last } } })),
  });
