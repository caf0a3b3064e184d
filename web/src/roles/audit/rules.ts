// Reading the record of everything in the browser: a signed checkpoint (C2SP signed note), an
// entry (the exact CloudEvents JSON the log holds) and the particulars worth showing of each.

export interface Signature {
  name: string;
  signature: string;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: string;
  /** Every signature line: the log's own (named by its origin) and the witnesses'. */
  signatures: Signature[];
  /** The witnesses that cosigned it (every signer but the log itself). */
  witnesses: string[];
}

const SIGNATURE_LINE = /^\u2014 (\S+) (\S+)$/;

/** A checkpoint as the log publishes it, or null when the text is not one. */
export function parseCheckpoint(note: string): Checkpoint | null {
  const split = note.replace(/\r\n/g, "\n").indexOf("\n\n");
  if (split < 0) return null;
  const [origin, sizeLine, root] = note.slice(0, split).split("\n");
  if (!origin || !sizeLine || !root || !/^[0-9]+$/.test(sizeLine)) return null;
  const signatures = note
    .slice(split + 2)
    .split("\n")
    .map((line) => SIGNATURE_LINE.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ name: match[1] as string, signature: match[2] as string }));
  return {
    origin,
    size: Number(sizeLine),
    root,
    signatures,
    witnesses: signatures.map((s) => s.name).filter((name) => name !== origin),
  };
}

export interface TrailEvent {
  index: number;
  id: string;
  type: string;
  /** The service that published it (`licensing` for `/services/licensing`). */
  service: string;
  subject: string | null;
  time: string;
  causation: string | null;
  data: Record<string, unknown>;
  /** The entry exactly as the log holds it (what its leaf hash is computed from). */
  raw: string;
}

/** One entry of the log as the trail shows it; null for bytes that are not an event. */
export function parseEntry(index: number, entry: string): TrailEvent | null {
  try {
    const event = JSON.parse(entry) as Record<string, unknown>;
    if (typeof event.type !== "string") return null;
    const source = typeof event.source === "string" ? event.source : "";
    return {
      index,
      id: String(event.id ?? ""),
      type: event.type,
      service: source.replace(/^\/services\//, "").replace(/^\//, ""),
      subject: typeof event.subject === "string" ? event.subject : null,
      time: typeof event.time === "string" ? event.time : "",
      causation: typeof event.causationid === "string" ? event.causationid : null,
      data: typeof event.data === "object" && event.data !== null ? (event.data as Record<string, unknown>) : {},
      raw: entry,
    };
  } catch {
    return null;
  }
}

/** A trail oldest first, by the log's order (the leaf index). */
export function trailOf(entries: { leaf_index: number; entry: string }[]): TrailEvent[] {
  return entries
    .map((item) => parseEntry(item.leaf_index, item.entry))
    .filter((event): event is TrailEvent => event !== null)
    .sort((a, b) => a.index - b.index);
}

/** The particulars of an event worth a line: plain values, an address's text, lists joined. */
export function factsOf(data: Record<string, unknown>, limit = 10): [string, string][] {
  const facts: [string, string][] = [];
  for (const [name, value] of Object.entries(data)) {
    if (value === null || value === undefined || value === "") continue;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      facts.push([name, String(value)]);
    } else if (Array.isArray(value)) {
      const plain = value.filter((item) => typeof item === "string" || typeof item === "number");
      if (plain.length) facts.push([name, plain.join("、")]);
    } else if (typeof value === "object" && typeof (value as { text?: unknown }).text === "string") {
      facts.push([name, (value as { text: string }).text]);
    }
    if (facts.length >= limit) break;
  }
  return facts;
}

/** Which earlier entry of the trail caused this one (its leaf index), if it is in the trail. */
export function causeIndex(event: TrailEvent, trail: TrailEvent[]): number | null {
  if (!event.causation) return null;
  return trail.find((other) => other.id === event.causation)?.index ?? null;
}

/** The catalogue key of an event type (`licensing.licence.issued` → `audit.event.licensing.licence.issued`). */
export const eventKey = (type: string) => `audit.event.${type}`;
