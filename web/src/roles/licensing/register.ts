// A register of businesses (CSV, one per line) turned into batches of applications. Each row
// gets a client_id made from its content, so uploading the same register again creates
// nothing twice, and an edited row is a new application.
import Papa from "papaparse";

import type { ApplicationIn } from "./api";

export const BATCH_SIZE = 200; // the most the service takes in one batch
export const REGISTER_COLUMNS = [
  "name",
  "entity_type",
  "operator_name",
  "operator_id_number",
  "address",
  "community_code",
  "lon",
  "lat",
  "business_scope",
  "materials",
] as const;

export type RegisterRow = ApplicationIn & { client_id: string };

export interface ParsedRegister {
  rows: RegisterRow[];
  /** Lines that could not become an application, with why (1-based, the header is line 1). */
  refused: { line: number; reason: string }[];
}

const list = (text: string | undefined) =>
  (text ?? "")
    .split(/[;；]/)
    .map((part) => part.trim())
    .filter(Boolean);

const number = (text: string | undefined) => (text?.trim() ? Number(text) : null);

async function contentId(values: string[]): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(values)));
  const hex = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return `register:${hex.slice(0, 32)}`;
}

export async function parseRegister(csv: string): Promise<ParsedRegister> {
  const parsed = Papa.parse<Record<string, string>>(csv.replace(/^\uFEFF/, ""), {
    header: true,
    skipEmptyLines: "greedy",
    transformHeader: (header) => header.trim(),
  });
  const missing = REGISTER_COLUMNS.filter((column) => !parsed.meta.fields?.includes(column));
  if (missing.length) {
    return { rows: [], refused: [{ line: 1, reason: `missing columns: ${missing.join(", ")}` }] };
  }
  const rows: RegisterRow[] = [];
  const refused: ParsedRegister["refused"] = [];
  for (const [index, record] of parsed.data.entries()) {
    const line = index + 2;
    const lon = number(record.lon);
    const lat = number(record.lat);
    if ((lon !== null && Number.isNaN(lon)) || (lat !== null && Number.isNaN(lat))) {
      refused.push({ line, reason: "lon and lat must be numbers" });
      continue;
    }
    const values = REGISTER_COLUMNS.map((column) => (record[column] ?? "").trim());
    rows.push({
      client_id: await contentId(values),
      kind: "establishment",
      entity_type: (record.entity_type?.trim() || "individual_business") as RegisterRow["entity_type"],
      name: record.name?.trim() || null,
      operator: { name: record.operator_name?.trim() ?? "", id_number: record.operator_id_number?.trim() ?? "" },
      address: { text: record.address?.trim() ?? "", community_code: record.community_code?.trim() ?? "", lon, lat },
      business_scope: list(record.business_scope),
      materials: list(record.materials),
      channel: "window",
    });
  }
  return { rows, refused };
}

export function batches<T>(items: T[], size = BATCH_SIZE): T[][] {
  const found: T[][] = [];
  for (let start = 0; start < items.length; start += size) found.push(items.slice(start, start + size));
  return found;
}
