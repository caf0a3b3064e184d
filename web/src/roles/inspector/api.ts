// Supervision (and the on-the-spot penalties of enforcement) as TanStack Query hooks. The office
// head's screens use the same hooks: the service answers each caller within their own scope.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";

type Schemas = components["schemas"];
export type Household = Schemas["supervision__HouseholdOut"];
export type PlannedHousehold = Schemas["supervision__PlannedHousehold"];
export type HouseholdStatus = Household["status"];
export type Grid = Schemas["supervision__GridOut"];
export type FileEntry = Schemas["supervision__FileEntry"];
export type Delegation = Schemas["supervision__DelegationOut"];
export type DelegationIn = Schemas["supervision__DelegationIn"];
export type InspectionIn = Schemas["supervision__InspectionIn"];
export type Attachment = Schemas["supervision__AttachmentOut"];
export type UnlicensedIn = Schemas["supervision__UnlicensedIn"];
export type Finding = Schemas["supervision__FindingOut"];
export type CaseTransferIn = Schemas["supervision__CaseTransferIn"];
export type PenaltyIn = Schemas["enforcement__OnTheSpotPenaltyIn"];
export type Penalty = Schemas["enforcement__OnTheSpotPenaltyOut"];
export type OfficeYear = Schemas["enforcement__OfficeYear"];

const PAGE = 500;
const MOST_PAGES = 20;

/** Every household in my scope (the service pages by credit code; the pages are followed). */
export async function allHouseholds(status?: HouseholdStatus): Promise<Household[]> {
  const found: Household[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MOST_PAGES; page += 1) {
    const answer: Schemas["supervision__HouseholdList"] = unwrap(
      await api.GET("/api/supervision/households", { params: { query: { status, cursor, limit: PAGE } } }),
    );
    found.push(...answer.households);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return found;
}

const HOUSEHOLDS = ["supervision", "households"] as const;

/** `refreshEvery` (ms): for lists no notice announces (a head's unrouted queue). */
export const useHouseholds = (status?: HouseholdStatus, refreshEvery?: number) =>
  useQuery({
    queryKey: [...HOUSEHOLDS, status ?? "all"],
    queryFn: () => allHouseholds(status),
    refetchInterval: refreshEvery ?? false,
  });

export const useHousehold = (creditCode: string) =>
  useQuery({
    queryKey: ["supervision", "household", creditCode],
    queryFn: async () =>
      unwrap(await api.GET("/api/supervision/households/{credit_code}", { params: { path: { credit_code: creditCode } } })),
  });

export const useHouseholdFile = (creditCode: string) =>
  useQuery({
    queryKey: ["supervision", "file", creditCode],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/supervision/households/{credit_code}/file", { params: { path: { credit_code: creditCode } } }),
      ).entries,
  });

export const useGrids = (officeId?: string | null) =>
  useQuery({
    queryKey: ["supervision", "grids", officeId ?? "all"],
    queryFn: async () =>
      unwrap(await api.GET("/api/supervision/grids", { params: { query: { office_id: officeId ?? undefined } } })).grids,
    staleTime: 5 * 60_000,
  });

export const useOffices = () =>
  useQuery({
    queryKey: ["supervision", "offices"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/offices")).offices,
    staleTime: Infinity,
  });

export const useDelegations = () =>
  useQuery({
    queryKey: ["supervision", "delegations"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/delegations")).delegations,
  });

export const useInspectionPlan = () =>
  useQuery({
    queryKey: ["supervision", "plan"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/inspection-plan")).households,
  });

export const usePenalties = () =>
  useQuery({
    queryKey: ["enforcement", "on-the-spot"],
    queryFn: async () => unwrap(await api.GET("/api/enforcement/on-the-spot-penalties", { params: { query: { limit: 200 } } })).penalties,
  });

export const useOfficeReport = (year: number) =>
  useQuery({
    queryKey: ["enforcement", "office-report", year],
    queryFn: async () => unwrap(await api.GET("/api/enforcement/reports/offices", { params: { query: { year } } })).offices,
  });

/** An attachment's content, to show a photo (fetched with my token, never by URL). */
export async function attachmentBlob(ref: string): Promise<Blob> {
  const sha256 = ref.replace(/^sha256:/, "");
  return unwrap(
    await api.GET("/api/supervision/attachments/{sha256}", { params: { path: { sha256 } }, parseAs: "blob" }),
  ) as Blob;
}

export interface Outcome {
  done: Household[];
  failed: { creditCode: string; error: unknown }[];
}

/** Run one step on each household in turn; what failed is reported beside what was done. */
async function each(codes: string[], step: (creditCode: string) => Promise<Household>): Promise<Outcome> {
  const outcome: Outcome = { done: [], failed: [] };
  for (const creditCode of codes) {
    try {
      outcome.done.push(await step(creditCode));
    } catch (error) {
      outcome.failed.push({ creditCode, error });
    }
  }
  return outcome;
}

function useHouseholdStep(step: (creditCode: string) => Promise<Household>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (codes: string[]) => each(codes, step),
    onSuccess: (outcome) => {
      for (const household of outcome.done) client.setQueryData(["supervision", "household", household.credit_code], household);
    },
    onSettled: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: HOUSEHOLDS }),
        client.invalidateQueries({ queryKey: ["supervision", "file"] }),
        client.invalidateQueries({ queryKey: ["supervision", "plan"] }),
      ]),
  });
}

/** 认领, one household or many. */
export const useClaim = () =>
  useHouseholdStep(async (creditCode) =>
    unwrap(await api.POST("/api/supervision/households/{credit_code}/claim", { params: { path: { credit_code: creditCode } } })),
  );

/** The office head's hand assignment of households to one grid. */
export function useAssign(gridId: string | undefined) {
  return useHouseholdStep(async (creditCode) =>
    unwrap(
      await api.POST("/api/supervision/households/{credit_code}/assign", {
        params: { path: { credit_code: creditCode } },
        body: { grid_id: gridId ?? "" },
      }),
    ),
  );
}

const once = () => ({ header: { "Idempotency-Key": crypto.randomUUID() } });

/** A record sent with the form's own Idempotency-Key: a retry of the same submission (a double
 * tap, a lost answer) never records it twice. */
export interface Keyed<T> {
  body: T;
  key: string;
}

export function useDelegate() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: DelegationIn) => unwrap(await api.POST("/api/supervision/delegations", { body, params: once() })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["supervision", "delegations"] }),
  });
}

/** A photo or document, stored once by its SHA-256; its `ref` is what records cite. */
export function useUpload() {
  return useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        await api.POST("/api/supervision/attachments", {
          // The schema types the part as a string; the browser sends the file itself.
          body: { file: file as unknown as string },
          bodySerializer: () => {
            const form = new FormData();
            form.append("file", file, file.name);
            return form;
          },
        }),
      ),
  });
}

export function useRecordInspection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: Keyed<InspectionIn>) =>
      unwrap(await api.POST("/api/supervision/inspections", { body, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["supervision", "file"] }),
        client.invalidateQueries({ queryKey: ["supervision", "plan"] }),
      ]),
  });
}

export function useReportUnlicensed() {
  return useMutation({
    mutationFn: async ({ body, key }: Keyed<UnlicensedIn>) =>
      unwrap(await api.POST("/api/supervision/unlicensed-findings", { body, params: { header: { "Idempotency-Key": key } } })),
  });
}

export const useFinding = (findingId: string | null) =>
  useQuery({
    queryKey: ["supervision", "finding", findingId],
    enabled: findingId !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/supervision/unlicensed-findings/{finding_id}", { params: { path: { finding_id: findingId ?? "" } } }),
      ),
  });

export function useTransferCaseSource() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: Keyed<CaseTransferIn>) =>
      unwrap(await api.POST("/api/supervision/case-transfers", { body, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["supervision", "case-transfers"] }),
  });
}

/** The case sources transferred in my scope, the latest first, each with its outcome at enforcement. */
export const useCaseTransfers = () =>
  useQuery({
    queryKey: ["supervision", "case-transfers"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/case-transfers", { params: { query: { limit: 200 } } })).case_transfers,
  });

/** Cash collected on the spot paid into the bank: the day and the bank's receipt number. */
export function useCashHandover() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: Schemas["enforcement__CashHandoverIn"] }) =>
      unwrap(
        await api.POST("/api/enforcement/on-the-spot-penalties/{penalty_id}/cash-handover", {
          params: { path: { penalty_id: id } },
          body,
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ["enforcement", "on-the-spot"] }),
  });
}

export function useImposePenalty() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, key }: Keyed<PenaltyIn>) =>
      unwrap(await api.POST("/api/enforcement/on-the-spot-penalties", { body, params: { header: { "Idempotency-Key": key } } })),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: ["enforcement", "on-the-spot"] }),
        client.invalidateQueries({ queryKey: ["supervision", "file"] }),
      ]),
  });
}

// -- random inspections (双随机、一公开) ------------------------------------------------------

export type RandomPlanSummary = Schemas["supervision__RandomPlanSummary"];
export type RandomPlan = Schemas["supervision__RandomPlanOut"];
export type RandomDraw = Schemas["supervision__DrawOut"];
export type RandomResult = Schemas["supervision__ResultOut"];
export type RandomPlanIn = Schemas["supervision__RandomPlanIn"];
export type ResultIn = Schemas["supervision__ResultIn"];

const RANDOM = ["supervision", "random-inspections"] as const;

export const useRandomPlans = () =>
  useQuery({
    queryKey: [...RANDOM, "list"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/random-inspections")).plans,
  });

const getRandomPlan = async (planId: string) =>
  unwrap(await api.GET("/api/supervision/random-inspections/{plan_id}", { params: { path: { plan_id: planId } } }));

export const useRandomPlan = (planId: string) =>
  useQuery({ queryKey: [...RANDOM, planId], queryFn: () => getRandomPlan(planId) });

/** The plans of my office with a draw drawn, each in full (an inspector finds what was drawn
 * for them there). */
export const useDrawnPlans = () =>
  useQuery({
    queryKey: [...RANDOM, "drawn"],
    queryFn: async () => {
      const plans = unwrap(await api.GET("/api/supervision/random-inspections")).plans;
      return Promise.all(plans.filter((p) => p.draws > 0).map((p) => getRandomPlan(p.id)));
    },
  });

export function useCreateRandomPlan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: RandomPlanIn) =>
      unwrap(await api.POST("/api/supervision/random-inspections", { body, params: once() })),
    onSuccess: () => client.invalidateQueries({ queryKey: RANDOM }),
  });
}

export function useCommitDraw(planId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (reason: string | null) =>
      unwrap(
        await api.POST("/api/supervision/random-inspections/{plan_id}/draws", {
          params: { path: { plan_id: planId } },
          body: reason ? { reason } : {},
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: RANDOM }),
  });
}

export function useRevealDraw(planId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (number: number) =>
      unwrap(
        await api.POST("/api/supervision/random-inspections/{plan_id}/draws/{number}/reveal", {
          params: { path: { plan_id: planId, number } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: RANDOM }),
  });
}

export function useRecordRandomResult(planId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: ResultIn) =>
      unwrap(
        await api.POST("/api/supervision/random-inspections/{plan_id}/results", {
          params: { path: { plan_id: planId } },
          body,
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: RANDOM }),
  });
}

export function usePublishRandomResults(planId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/supervision/random-inspections/{plan_id}/results/publish", {
          params: { path: { plan_id: planId } },
        }),
      ),
    onSettled: () => client.invalidateQueries({ queryKey: RANDOM }),
  });
}
