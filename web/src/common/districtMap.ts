// What the district map draws, computed without Leaflet: the grids' rings, the households'
// points and their colours, and the bounds to show. GeoJSON is [lon, lat]; Leaflet is [lat, lon].

import { deadlineState } from "./deadline";

export type LatLng = [number, number];

/** How a household reads on the map (and in the legend). */
export type Tone = "overdue" | "due" | "waiting" | "claimed" | "unrouted" | "cancelled";

export const TONES: Tone[] = ["overdue", "due", "waiting", "claimed", "unrouted", "cancelled"];

/** Fill colours, each with enough contrast against the map's plain background. */
export const TONE_COLOURS: Record<Tone, string> = {
  overdue: "#c62828",
  due: "#e65100",
  waiting: "#1565c0",
  claimed: "#2e7d32",
  unrouted: "#6a1b9a",
  cancelled: "#616161",
};

export interface HouseholdLike {
  status: string;
  claim_deadline?: string | null;
}

/** An unclaimed household whose claim deadline has passed, is today or within `soonDays`
 * calendar days stands out; the others by where they stand. */
export function householdTone(household: HouseholdLike, today: string, soonDays = 1): Tone {
  switch (household.status) {
    case "assigned": {
      if (!household.claim_deadline) return "waiting";
      const state = deadlineState(household.claim_deadline, today, soonDays);
      if (state.kind === "overdue") return "overdue";
      return state.kind === "later" ? "waiting" : "due";
    }
    case "claimed":
      return "claimed";
    case "unrouted":
      return "unrouted";
    default:
      return "cancelled";
  }
}

const finite = (value: unknown): value is number => typeof value === "number" && Number.isFinite(value);

/** The map point of an address as supervision gives it (`location: {lon, lat}`) or as
 * licensing does (`lon`, `lat`); null when it has none. */
export function addressPoint(address: unknown): { lon: number; lat: number } | null {
  if (typeof address !== "object" || address === null) return null;
  const record = address as Record<string, unknown>;
  const location = record.location;
  if (typeof location === "object" && location !== null) {
    const { lon, lat } = location as Record<string, unknown>;
    if (finite(lon) && finite(lat)) return { lon, lat };
  }
  if (finite(record.lon) && finite(record.lat)) return { lon: record.lon, lat: record.lat };
  return null;
}

/** A GeoJSON Polygon's rings as Leaflet lat/lng lists; null for anything else. */
export function polygonRings(polygon: unknown): LatLng[][] | null {
  if (typeof polygon !== "object" || polygon === null) return null;
  const { type, coordinates } = polygon as { type?: unknown; coordinates?: unknown };
  if (type !== "Polygon" || !Array.isArray(coordinates) || coordinates.length === 0) return null;
  const rings: LatLng[][] = [];
  for (const ring of coordinates) {
    if (!Array.isArray(ring)) return null;
    const points: LatLng[] = [];
    for (const position of ring) {
      if (!Array.isArray(position) || !finite(position[0]) || !finite(position[1])) return null;
      points.push([position[1], position[0]]);
    }
    rings.push(points);
  }
  return rings;
}

/** The south-west and north-east corners around every ring and point; null when there are none. */
export function boundsOf(rings: LatLng[][], points: LatLng[]): [LatLng, LatLng] | null {
  const all = [...rings.flat(), ...points];
  if (all.length === 0) return null;
  const lats = all.map((p) => p[0]);
  const lngs = all.map((p) => p[1]);
  return [
    [Math.min(...lats), Math.min(...lngs)],
    [Math.max(...lats), Math.max(...lngs)],
  ];
}

/** A CSS class naming one household's marker, so a screen (or a test) can find it. */
export function markerClass(id: string): string {
  return `district-map-point point-${id.replace(/[^0-9A-Za-z_-]/g, "_")}`;
}

/** A CSS class naming one grid's outline. */
export function gridClass(id: string): string {
  return `district-map-grid grid-${id.replace(/[^0-9A-Za-z_-]/g, "_")}`;
}
