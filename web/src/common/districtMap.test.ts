import { describe, expect, it } from "vitest";

import { addressPoint, boundsOf, gridClass, householdTone, markerClass, polygonRings } from "./districtMap";

describe("the district map's helpers", () => {
  const today = "2026-12-07";

  it("colours an unclaimed household by its claim deadline, the others by where they stand", () => {
    expect(householdTone({ status: "assigned", claim_deadline: "2026-12-04" }, today)).toBe("overdue");
    expect(householdTone({ status: "assigned", claim_deadline: "2026-12-07" }, today)).toBe("due");
    expect(householdTone({ status: "assigned", claim_deadline: "2026-12-08" }, today)).toBe("due");
    expect(householdTone({ status: "assigned", claim_deadline: "2026-12-10" }, today)).toBe("waiting");
    expect(householdTone({ status: "assigned", claim_deadline: null }, today)).toBe("waiting");
    // A claimed household's old deadline no longer matters.
    expect(householdTone({ status: "claimed", claim_deadline: "2026-12-01" }, today)).toBe("claimed");
    expect(householdTone({ status: "unrouted" }, today)).toBe("unrouted");
    expect(householdTone({ status: "cancelled" }, today)).toBe("cancelled");
  });

  it("reads a point from supervision's and licensing's addresses, and nothing else", () => {
    expect(addressPoint({ text: "x", location: { lon: 104.01, lat: 30.73 } })).toEqual({ lon: 104.01, lat: 30.73 });
    expect(addressPoint({ text: "x", lon: 104.02, lat: 30.7 })).toEqual({ lon: 104.02, lat: 30.7 });
    expect(addressPoint({ text: "x", location: null })).toBeNull();
    expect(addressPoint({ text: "x", lon: null, lat: null })).toBeNull();
    expect(addressPoint({ location: { lon: "104", lat: 30 } })).toBeNull();
    expect(addressPoint(null)).toBeNull();
  });

  it("turns a GeoJSON polygon's [lon, lat] rings into Leaflet's [lat, lng]", () => {
    const polygon = { type: "Polygon", coordinates: [[[104.0, 30.72], [104.03, 30.72], [104.03, 30.75], [104.0, 30.72]]] };
    expect(polygonRings(polygon)).toEqual([[[30.72, 104.0], [30.72, 104.03], [30.75, 104.03], [30.72, 104.0]]]);
    expect(polygonRings({ type: "Point", coordinates: [104, 30] })).toBeNull();
    expect(polygonRings({ type: "Polygon", coordinates: [[["a", 1]]] })).toBeNull();
    expect(polygonRings(undefined)).toBeNull();
  });

  it("bounds every ring and point, or nothing when there is nothing to show", () => {
    const ring: [number, number][] = [[30.72, 104.0], [30.75, 104.03]];
    expect(boundsOf([ring], [[30.8, 103.9]])).toEqual([[30.72, 103.9], [30.8, 104.03]]);
    expect(boundsOf([], [])).toBeNull();
  });

  it("names a marker by a class a selector can use", () => {
    expect(markerClass("9251010600000268XL")).toBe("district-map-point point-9251010600000268XL");
    expect(markerClass("a b")).toBe("district-map-point point-a_b");
    expect(gridClass("510106001001001")).toBe("district-map-grid grid-510106001001001");
  });
});
