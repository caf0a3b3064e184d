// The district on a plain background: the grids' outlines and the households as coloured
// points. A tile layer only when the gateway names a tile server (the bureau's network may have
// no internet). The list shown beside the map is its accessible equivalent; the map itself is a
// labelled region that can be panned and zoomed from the keyboard.
import L from "leaflet";
import { useEffect, useMemo, useRef } from "react";
import { FormattedMessage, useIntl } from "react-intl";

import { boundsOf, gridClass, markerClass, polygonRings, TONE_COLOURS, TONES, type LatLng, type Tone } from "./districtMap";
import { tileUrl } from "./page";

export interface MapArea {
  id: string;
  name: string;
  /** GeoJSON Polygon in WGS 84 ([lon, lat]). */
  polygon: unknown;
  /** Drawn stronger, and the map opens on these (one's own grids). */
  emphasis?: boolean;
}

export interface MapPoint {
  id: string;
  label: string;
  lon: number;
  lat: number;
  tone: Tone;
}

// Set through the DOM's style properties (as Leaflet does), never as style attributes: the CSP allows it.
const LEGEND = { display: "flex", flexWrap: "wrap", gap: "4px 16px", listStyle: "none", margin: "8px 0 0", padding: 0 } as const;
const SWATCH = { display: "inline-block", width: 10, height: 10, borderRadius: 5, marginInlineEnd: 6 } as const;

interface Props {
  /** What the map shows, read out by screen readers. */
  label: string;
  areas: MapArea[];
  points: MapPoint[];
  onSelect?: (id: string) => void;
}

export function DistrictMap({ label, areas, points, onSelect }: Props) {
  const intl = useIntl();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const areaLayer = useRef<L.LayerGroup | null>(null);
  const pointLayer = useRef<L.LayerGroup | null>(null);
  const fittedTo = useRef("");
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const created = L.map(element, { attributionControl: false, zoomControl: false, zoomSnap: 0.25 });
    created.setView([0, 0], 2);
    L.control
      .zoom({
        zoomInTitle: intl.formatMessage({ id: "districtMap.zoomIn" }),
        zoomOutTitle: intl.formatMessage({ id: "districtMap.zoomOut" }),
      })
      .addTo(created);
    const tiles = tileUrl();
    if (tiles) L.tileLayer(tiles, { maxZoom: 19 }).addTo(created);
    areaLayer.current = L.layerGroup().addTo(created);
    pointLayer.current = L.layerGroup().addTo(created);
    map.current = created;
    fittedTo.current = "";
    // The container changes size when the split stacks on a narrow screen.
    const resized = new ResizeObserver(() => created.invalidateSize());
    resized.observe(element);
    return () => {
      resized.disconnect();
      created.remove();
      map.current = areaLayer.current = pointLayer.current = null;
    };
  }, [intl]);

  const rings = useMemo(
    () => areas.map((area) => ({ area, rings: polygonRings(area.polygon) })).filter((a) => a.rings !== null),
    [areas],
  );

  useEffect(() => {
    const group = areaLayer.current;
    if (!group) return;
    group.clearLayers();
    for (const { area, rings: latLngs } of rings) {
      L.polygon(latLngs as LatLng[][], {
        color: area.emphasis ? "#8e1515" : "#5f6b7a",
        weight: area.emphasis ? 2.5 : 1,
        fillColor: area.emphasis ? "#fbe9e7" : "#ffffff",
        fillOpacity: area.emphasis ? 0.55 : 0.35,
        interactive: false,
        className: gridClass(area.id),
      })
        .bindTooltip(area.name, { permanent: area.emphasis ?? false, direction: "center" })
        .addTo(group);
    }
  }, [rings, intl]);

  useEffect(() => {
    const group = pointLayer.current;
    if (!group) return;
    group.clearLayers();
    for (const point of points) {
      const pressing = point.tone === "overdue" || point.tone === "due";
      L.circleMarker([point.lat, point.lon], {
        radius: pressing ? 9 : 7,
        color: "#ffffff",
        weight: pressing ? 2.5 : 1.5,
        fillColor: TONE_COLOURS[point.tone],
        fillOpacity: 0.95,
        className: markerClass(point.id),
      })
        .bindTooltip(point.label)
        .on("click", () => select.current?.(point.id))
        .addTo(group);
    }
  }, [points, intl]);

  // Open on one's own grids (else everything) once, and again only when they change: a
  // household arriving never moves the map under the inspector's hand.
  useEffect(() => {
    const current = map.current;
    if (!current) return;
    const own = rings.filter((r) => r.area.emphasis);
    const shown = own.length ? own : rings;
    const key = shown.map((r) => r.area.id).join(",") || (points.length ? "points" : "");
    if (!key || key === fittedTo.current) return;
    const bounds = boundsOf(
      shown.flatMap((r) => r.rings as LatLng[][]),
      shown.length ? [] : points.map((p): LatLng => [p.lat, p.lon]),
    );
    if (!bounds) return;
    current.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
    fittedTo.current = key;
  }, [rings, points]);

  const counts = useMemo(() => {
    const found = new Map<Tone, number>();
    for (const point of points) found.set(point.tone, (found.get(point.tone) ?? 0) + 1);
    return found;
  }, [points]);

  return (
    <figure style={{ margin: 0 }}>
      <div ref={container} className="district-map" role="region" aria-label={label} data-testid="district-map" />
      <figcaption>
        <ul style={LEGEND}>
          {TONES.filter((tone) => counts.has(tone)).map((tone) => (
            <li key={tone}>
              <span style={{ ...SWATCH, background: TONE_COLOURS[tone] }} aria-hidden />
              <FormattedMessage id={`districtMap.tone.${tone}`} values={{ count: counts.get(tone) ?? 0 }} />
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
