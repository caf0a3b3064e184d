import { useMutation, useQueries, useQuery, useQueryClient } from "@tanstack/react-query";

import { api } from "../../api/client";
import { unwrap } from "../../api/problems";
import type { components } from "../../api/schema";
import { usePagedList } from "../../common/PagedList";
import type { UserFilters } from "./rules";

export type User = components["schemas"]["UserOut"];
export type UserList = components["schemas"]["UserList"];
export type UserCreate = components["schemas"]["UserCreate"];
export type UserChange = components["schemas"]["UserChange"];
export type TotpEnrolment = components["schemas"]["TotpEnrolment"];
export type RolePolicy = components["schemas"]["RolePolicy"];
export type Office = components["schemas"]["supervision__OfficeOut"];
export type OfficeIn = components["schemas"]["supervision__OfficeIn"];
export type Client = components["schemas"]["ClientOut"];
export type ClientCreate = components["schemas"]["ClientCreate"];
export type Open311Key = components["schemas"]["Open311KeyOut"];
export type Open311KeyIssued = components["schemas"]["Open311KeyIssued"];
export type SigningKey = components["schemas"]["SigningKeyOut"];
export type AllowedHost = components["schemas"]["licensing__AllowedHost"];

const USERS = ["admin", "users"] as const;
const PAGE = 50;
/** The most the gateway gives in one page. */
const LONGEST_PAGE = 200;

/** The staff members the filters keep, as the gateway filters them, a page at a time by username. */
export const useUsers = (filters: UserFilters) =>
  usePagedList({
    queryKey: [...USERS, "list", filters],
    page: async (cursor) =>
      unwrap(
        await api.GET("/api/admin/users", {
          params: {
            query: {
              q: filters.q.trim() || undefined,
              role: filters.role,
              office: filters.office,
              status: filters.status === "all" ? undefined : filters.status,
              cursor,
              limit: PAGE,
            },
          },
        }),
      ),
    rowsIn: "items",
    keepPrevious: true,
  });

/** Whose staff members to count: a role's holders or an office's people, as the gateway filters them. */
export type StaffScope = { role: string; office?: never } | { office: string; role?: never };

/** The first page (the longest the gateway gives) of each scope's staff members: the roles' and the
 * offices' screens count them from it, and say when there are more. */
export const useFirstStaffPages = (scopes: StaffScope[]) =>
  useQueries({
    queries: scopes.map((scope) => ({
      queryKey: [...USERS, "first-page", scope],
      queryFn: async (): Promise<UserList> =>
        unwrap(await api.GET("/api/admin/users", { params: { query: { ...scope, limit: LONGEST_PAGE } } })),
    })),
  });

export const useUser = (username: string) =>
  useQuery({
    queryKey: ["admin", "user", username],
    queryFn: async () =>
      unwrap(await api.GET("/api/admin/users/{username}", { params: { path: { username } } })),
  });

/** After a change to one person: their record as answered, and the list looked at again. */
function useUserChanged() {
  const client = useQueryClient();
  return (user: User) => {
    client.setQueryData(["admin", "user", user.username], user);
    void client.invalidateQueries({ queryKey: USERS });
  };
}

export function useCreateUser() {
  const changed = useUserChanged();
  return useMutation({
    mutationFn: async (body: UserCreate) => unwrap(await api.POST("/api/admin/users", { body })),
    onSuccess: changed,
  });
}

export function useChangeUser(username: string) {
  const changed = useUserChanged();
  return useMutation({
    mutationFn: async (body: UserChange) =>
      unwrap(await api.PATCH("/api/admin/users/{username}", { params: { path: { username } }, body })),
    onSuccess: changed,
  });
}

export type UserAct = "deactivate" | "unlock";

/** Deactivate or unlock one person (`username` given per call, so the list's bulk action uses it too). */
export function useUserAct() {
  const changed = useUserChanged();
  return useMutation({
    mutationFn: async ({ act, username }: { act: UserAct; username: string }) => {
      const path = { params: { path: { username } } };
      return act === "deactivate"
        ? unwrap(await api.POST("/api/admin/users/{username}/deactivate", path))
        : unwrap(await api.POST("/api/admin/users/{username}/unlock", path));
    },
    onSuccess: changed,
  });
}

/** A new authenticator secret: shown once, so it is kept in the screen's state, never cached. */
export function useEnrolTotp(username: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () =>
      unwrap(await api.POST("/api/admin/users/{username}/totp", { params: { path: { username } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["admin", "user", username] });
      void client.invalidateQueries({ queryKey: USERS });
    },
  });
}

export const useRolePolicies = () =>
  useQuery({
    queryKey: ["admin", "role-policies"],
    queryFn: async () => unwrap(await api.GET("/api/admin/role-policies")),
  });

export function useSetRolePolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ role, totp_required }: RolePolicy) =>
      unwrap(await api.PUT("/api/admin/role-policies/{role}", { params: { path: { role } }, body: { totp_required } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "role-policies"] }),
  });
}

export const useOffices = () =>
  useQuery({
    queryKey: ["admin", "offices"],
    queryFn: async () => unwrap(await api.GET("/api/supervision/offices")).offices,
  });

export function useCreateOffice() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: OfficeIn) => unwrap(await api.POST("/api/supervision/offices", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "offices"] }),
  });
}

export const useClients = () =>
  useQuery({
    queryKey: ["admin", "clients"],
    queryFn: async () => unwrap(await api.GET("/api/admin/clients")).items,
  });

export function useCreateClient() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: ClientCreate) => unwrap(await api.POST("/api/admin/clients", { body })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "clients"] }),
  });
}

export const useOpen311Keys = () =>
  useQuery({
    queryKey: ["admin", "open311-keys"],
    queryFn: async () => unwrap(await api.GET("/api/admin/open311-keys")).items,
  });

export function useIssueOpen311Key() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (name: string) => unwrap(await api.POST("/api/admin/open311-keys", { body: { name } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "open311-keys"] }),
  });
}

export function useRevokeOpen311Key() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (keyId: string) => {
      unwrap(await api.DELETE("/api/admin/open311-keys/{key_id}", { params: { path: { key_id: keyId } } }));
      return keyId;
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "open311-keys"] }),
  });
}

export const useSigningKeys = () =>
  useQuery({
    queryKey: ["admin", "signing-keys"],
    queryFn: async () => unwrap(await api.GET("/api/admin/signing-keys")),
  });

export function useRotateSigningKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/admin/signing-keys")),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "signing-keys"] }),
  });
}

export const useWebhookHosts = () =>
  useQuery({
    queryKey: ["admin", "webhook-hosts"],
    queryFn: async () => unwrap(await api.GET("/api/licensing/admin/webhook-hosts")).hosts,
  });

export function useAllowHost() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ agency, host }: AllowedHost) =>
      unwrap(await api.PUT("/api/licensing/admin/webhook-hosts/{agency}/{host}", { params: { path: { agency, host } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ["admin", "webhook-hosts"] }),
  });
}

export function useDisallowHost() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ agency, host }: AllowedHost) => {
      unwrap(await api.DELETE("/api/licensing/admin/webhook-hosts/{agency}/{host}", { params: { path: { agency, host } } }));
      return { agency, host };
    },
    onSettled: () => client.invalidateQueries({ queryKey: ["admin", "webhook-hosts"] }),
  });
}
