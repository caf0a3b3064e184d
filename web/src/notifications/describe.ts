import type { Notice } from "./stream";

/** What a notice says, as a catalogue key and its values, and where it leads. */
export function describe(notice: Notice): { id: string; values: Record<string, string>; link?: string } {
  const data = notice.data;
  const text = (key: string) => String(data[key] ?? "");
  // The stream names the event type with or without its version suffix.
  switch (notice.type.replace(/\.v\d+$/, "")) {
    case "supervision.household.assigned":
      return {
        id: "notifications.householdAssigned",
        values: { code: notice.subject, grid: text("grid_code"), due: text("claim_deadline").slice(0, 10) },
        link: `/inspector/households/${notice.subject}`,
      };
    default:
      return { id: "notifications.other", values: { type: notice.type, subject: notice.subject } };
  }
}
