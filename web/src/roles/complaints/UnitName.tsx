import { useStations } from "./api";
import { parseUnit, type Unit } from "./rules";
import { useText } from "./text";

/** A unit as people name it: the intake desk, an office by its id, a station by its name. */
export function useUnitName() {
  const t = useText();
  const stations = useStations();
  return (unit: Unit) => {
    if (unit.level === "bureau") return unit.id === "intake" ? t("complaints.unit.intake") : t("complaints.unit.bureau", { id: unit.id });
    if (unit.level === "station") {
      const station = stations.data?.find((found) => found.id === unit.id);
      return station ? t("complaints.unit.stationNamed", { id: unit.id, name: station.name }) : t("complaints.unit.station", { id: unit.id });
    }
    return t("complaints.unit.office", { id: unit.id });
  };
}

export function UnitName({ unit, testId }: { unit: Unit; testId?: string }) {
  const name = useUnitName();
  return <span data-testid={testId}>{name(unit)}</span>;
}

/** A ticket's owner: a handler's username, or its unit's desk while nobody has taken it. */
export function useOwnerName() {
  const t = useText();
  const unitName = useUnitName();
  return (owner: string, unit?: Unit) => {
    const desk = parseUnit(owner);
    if (!desk) return owner;
    if (unit && desk.level === unit.level && desk.id === unit.id) return t("complaints.owner.unclaimed");
    return t("complaints.owner.desk", { unit: unitName(desk) });
  };
}
