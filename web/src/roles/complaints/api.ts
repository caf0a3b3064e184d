import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { usePagedList } from "../../common/PagedList";
import { type BulkStep, type SubmissionIn, type Ticket, type TicketFilters } from "./rules";

type Schemas = components["schemas"];
export type TicketDetail = Schemas["complaints__TicketDetailOut"];
export type Routing = Schemas["complaints__RoutingOut"];
export type Station = Schemas["complaints__StationOut"];
export type Licence = Schemas["licensing__LicenceOut"];
export type Submitter = Schemas["complaints__SubmitterOut"];
export type RejectIn = Schemas["complaints__RejectIn"];
export type HandoverIn = Schemas["complaints__HandoverIn"];
export type ReasonIn = Schemas["complaints__ReasonIn"];
export type ReassignIn = Schemas["complaints__ReassignIn"];
export type MediationIn = Schemas["complaints__MediationIn"];
export type ReplyIn = Schemas["complaints__ReplyIn"];
export type FollowUpIn = Schemas["complaints__FollowUpIn"];
export type ReopenIn = Schemas["complaints__ReopenIn"];

const PAGE = 50;

/** The caller's tickets (the service narrows them to the caller's unit), newest first, by page. */
export const useTickets = (filters: TicketFilters) =>
  usePagedList({
    queryKey: ["complaints", "tickets", filters],
    page: async (cursor) =>
      unwrap(await api.GET("/api/complaints/tickets", { params: { query: { ...filters, cursor, limit: PAGE } } })),
    rowsIn: "tickets",
  });

export const useTicket = (id: string) =>
  useQuery({
    queryKey: ["complaints", "ticket", id],
    queryFn: async () =>
      unwrap(await api.GET("/api/complaints/tickets/{ticket_id}", { params: { path: { ticket_id: id } } })),
  });

/** Several tickets at once (the proposed duplicates, the linked ones). */
export const useTicketsById = (ids: string[]) =>
  useQueries({
    queries: ids.map((id) => ({
      queryKey: ["complaints", "ticket", id],
      queryFn: async () =>
        unwrap(await api.GET("/api/complaints/tickets/{ticket_id}", { params: { path: { ticket_id: id } } })),
    })),
  });

/** Open tickets about a business already in the caller's scope (checked at intake). */
export const useTicketsAbout = (creditCode: string | null) =>
  useQuery({
    queryKey: ["complaints", "about", creditCode],
    enabled: creditCode !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/complaints/tickets", { params: { query: { credit_code: creditCode!, limit: 200 } } }),
      ).tickets,
  });

export const useStations = () =>
  useQuery({
    queryKey: ["complaints", "stations"],
    queryFn: async () => unwrap(await api.GET("/api/complaints/stations")).stations,
    staleTime: 5 * 60_000,
  });

/** Where a draft would go, asked again as the draft changes (nothing is stored). */
export const useRoutingPreview = (draft: SubmissionIn | null) =>
  useQuery({
    queryKey: ["complaints", "preview", draft],
    enabled: draft !== null,
    retry: false,
    queryFn: async () => unwrap(await api.POST("/api/complaints/routing:preview", { body: draft! })),
  });

/** Licences by part of a name or by credit code. */
export const useLicenceLookup = (query: { name: string } | { credit_code: string } | null) =>
  useQuery({
    queryKey: ["complaints", "licences", query],
    enabled: query !== null,
    retry: false,
    queryFn: async () =>
      unwrap(await api.GET("/api/licensing/licences", { params: { query: { ...query, limit: 20 } } })).licences,
  });

export function useSubmit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (submission: SubmissionIn) =>
      unwrap(
        await api.POST("/api/complaints/submissions", {
          body: submission,
          // A double click or a retried request never files the submission twice.
          params: { header: { "Idempotency-Key": crypto.randomUUID() } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["complaints", "tickets"] }),
  });
}

/** Reading the submitter's identity: the service records who read it. */
export function useOpenSubmitter(id: string) {
  return useMutation({
    mutationFn: async () =>
      unwrap(await api.GET("/api/complaints/tickets/{ticket_id}/submitter", { params: { path: { ticket_id: id } } })),
  });
}

export type StepCall =
  | { step: "accept" | "close" }
  | { step: "reject"; body: RejectIn }
  | { step: "handover"; body: HandoverIn }
  | { step: "return"; body: ReasonIn }
  | { step: "reassign"; body: ReassignIn }
  | { step: "mediation"; body: MediationIn }
  | { step: "reply"; body: ReplyIn }
  | { step: "follow-up"; body: FollowUpIn }
  | { step: "reopen"; body: ReopenIn }
  | { step: "merge"; body: { into: string } };

/** One step of a ticket: the ticket as it is afterwards. */
export async function takeStep(id: string, call: StepCall): Promise<Ticket> {
  const path = { params: { path: { ticket_id: id } } };
  switch (call.step) {
    case "accept":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/accept", path));
    case "close":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/close", path));
    case "reject":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/reject", { ...path, body: call.body }));
    case "handover":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/handover", { ...path, body: call.body }));
    case "return":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/return", { ...path, body: call.body }));
    case "reassign":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/reassign", { ...path, body: call.body }));
    case "mediation":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/mediation", { ...path, body: call.body }));
    case "reply":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/reply", { ...path, body: call.body }));
    case "follow-up":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/follow-up", { ...path, body: call.body }));
    case "reopen":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/reopen", { ...path, body: call.body }));
    case "merge":
      return unwrap(await api.POST("/api/complaints/tickets/{ticket_id}/merge", { ...path, body: call.body }));
  }
}

export function useStep(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (call: StepCall) => takeStep(id, call),
    onSuccess: () => {
      // The detail carries duplicates and flags the step's answer lacks: read it again.
      void client.invalidateQueries({ queryKey: ["complaints"] });
    },
  });
}

export interface BulkOutcome {
  done: string[];
  failed: { id: string; error: unknown }[];
}

/** One step over many tickets, one after another; each ticket's outcome is kept. */
export function useBulkStep() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ step, ids, handover }: { step: BulkStep; ids: string[]; handover?: HandoverIn }) => {
      const outcome: BulkOutcome = { done: [], failed: [] };
      for (const id of ids) {
        try {
          await takeStep(id, step === "handover" ? { step, body: handover! } : { step });
          outcome.done.push(id);
        } catch (error) {
          outcome.failed.push({ id, error });
        }
      }
      return outcome;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["complaints"] }),
  });
}

/** Merge a duplicate into another ticket; both keep their histories. */
export function useMerge() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ from, into }: { from: string; into: string }) => takeStep(from, { step: "merge", body: { into } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ["complaints"] }),
  });
}
