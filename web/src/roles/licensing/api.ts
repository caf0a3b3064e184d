import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { usePagedList } from "../../common/PagedList";

export type Application = components["schemas"]["licensing__ApplicationOut"];
export type ApplicationIn = components["schemas"]["licensing__ApplicationIn"];
export type Licence = components["schemas"]["licensing__LicenceOut"];
export type EntityType = ApplicationIn["entity_type"];
export type Kind = ApplicationIn["kind"];
export type Status = components["schemas"]["licensing__Status"];
export type Channel = NonNullable<ApplicationIn["channel"]>;

/** What the window's queue asks the service for. */
export interface QueueFilters {
  status: Status;
  channel?: Channel;
  kind?: Kind;
  /** Part of the business name, or the start of a credit code. */
  q?: string;
}

const PAGE = 50;

/** The window's queue, filtered by the service, oldest first, by page. */
export const useApplications = (filters: QueueFilters) =>
  usePagedList({
    queryKey: ["licensing", "applications", filters],
    page: async (cursor) =>
      unwrap(await api.GET("/api/licensing/applications", { params: { query: { ...filters, cursor, limit: PAGE } } })),
    rowsIn: "applications",
  });

export const useApplication = (id: string) =>
  useQuery({
    queryKey: ["licensing", "application", id],
    // While the partners decide, their answers arrive on their own: look again every 2 s.
    refetchInterval: (query) => (query.state.data?.status === "awaiting_partners" ? 2_000 : false),
    queryFn: async () =>
      unwrap(await api.GET("/api/licensing/applications/{application_id}", { params: { path: { application_id: id } } })),
  });

export const useRequirements = (entityType: EntityType, kind: Kind) =>
  useQuery({
    queryKey: ["licensing", "requirements", entityType, kind],
    queryFn: async () =>
      unwrap(await api.GET("/api/licensing/requirements", { params: { query: { entity_type: entityType, kind } } })),
    staleTime: Infinity,
  });

export const useScopeCatalogue = () =>
  useQuery({
    queryKey: ["licensing", "scope-catalogue"],
    queryFn: async () => unwrap(await api.GET("/api/licensing/scope-catalogue")).items,
    staleTime: Infinity,
  });

export const useLicence = (creditCode: string) =>
  useQuery({
    queryKey: ["licensing", "licence", creditCode],
    queryFn: async () =>
      unwrap(await api.GET("/api/licensing/licences/{credit_code}", { params: { path: { credit_code: creditCode } } })),
  });

export const useVisits = () =>
  useQuery({
    queryKey: ["licensing", "visits"],
    queryFn: async () => unwrap(await api.GET("/api/licensing/mobile/visits", { params: { query: { status: "open" } } })).visits,
  });

export type Step = "accept" | "approve" | "return" | "reject";

/** One step of an application's lifecycle; `reasons` for returning and rejecting. */
export function useStep(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ step, reasons }: { step: Step; reasons?: string[] }) => {
      const path = { params: { path: { application_id: id } } };
      switch (step) {
        case "accept":
          return unwrap(await api.POST("/api/licensing/applications/{application_id}/accept", path));
        case "approve":
          return unwrap(await api.POST("/api/licensing/applications/{application_id}/approve", path));
        case "return":
          return unwrap(
            await api.POST("/api/licensing/applications/{application_id}/return", { ...path, body: { reasons: reasons ?? [] } }),
          );
        case "reject":
          return unwrap(
            await api.POST("/api/licensing/applications/{application_id}/reject", { ...path, body: { reasons: reasons ?? [] } }),
          );
      }
    },
    onSuccess: (application) => {
      client.setQueryData(["licensing", "application", id], application);
      void client.invalidateQueries({ queryKey: ["licensing", "applications"] });
    },
  });
}

export function useSubmit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (application: ApplicationIn) =>
      unwrap(
        await api.POST("/api/licensing/applications", {
          body: application,
          // A double click or a retried request never files the application twice.
          params: { header: { "Idempotency-Key": crypto.randomUUID() } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["licensing", "applications"] }),
  });
}

export type CaseTransferIn = components["schemas"]["licensing__CaseTransferIn"];

/** The case sources the window transferred, the latest first, each with its outcome at enforcement. */
export const useCaseTransfers = () =>
  useQuery({
    queryKey: ["licensing", "case-transfers"],
    queryFn: async () => unwrap(await api.GET("/api/licensing/case-transfers", { params: { query: { limit: 200 } } })).case_transfers,
  });

/** 案源移送: what the window found, to enforcement. */
export function useTransferCaseSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: { body: CaseTransferIn; key: string }) =>
      unwrap(await api.POST("/api/licensing/case-transfers", { body, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["licensing", "case-transfers"] }),
  });
}
