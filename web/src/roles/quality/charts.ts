// What each chart draws, as plain ECharts options built from the service's figures.
import type { ChartOption } from "./Chart";
import { chartValue, type Measure, type Point } from "./rules";

const RED = "#b71c1c";
const BLUE = "#0a4fb4";

/** An objective's 12 months as a line, its target as a dashed line across. */
export function trendOption(points: Point[], target: number, measure: Measure, names: { value: string; target: string }): ChartOption {
  const targetValue = chartValue(target, measure) ?? 0;
  return {
    animation: false,
    grid: { left: 44, right: 16, top: 16, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: points.map((point) => (point.period ?? "").slice(2)) },
    yAxis: {
      type: "value",
      min: measure === "rate" ? (value: { min: number }) => Math.max(0, Math.floor(Math.min(value.min, targetValue) / 10) * 10) : undefined,
      max: measure === "rate" ? 100 : undefined,
      axisLabel: { formatter: measure === "rate" ? "{value}%" : "{value}" },
    },
    series: [
      {
        name: names.value,
        type: "line",
        data: points.map((point) => chartValue(point.value, measure)),
        connectNulls: false,
        symbolSize: 6,
        itemStyle: { color: BLUE },
        markLine: {
          silent: true,
          symbol: "none",
          label: { formatter: names.target, position: "insideEndTop" },
          lineStyle: { color: RED, type: "dashed" },
          data: [{ yAxis: targetValue, name: names.target }],
        },
      },
    ],
  };
}

/** Counts side by side per category: e.g. nonconformities raised, closed and open by source. */
export function barsOption(categories: string[], series: { name: string; values: number[] }[]): ChartOption {
  const colours = [BLUE, "#2e7d32", RED, "#6a1b9a"];
  return {
    animation: false,
    grid: { left: 40, right: 16, top: 32, bottom: 40, containLabel: true },
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    xAxis: { type: "category", data: categories, axisLabel: { interval: 0 } },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((one, index) => ({
      name: one.name,
      type: "bar",
      data: one.values,
      itemStyle: { color: colours[index % colours.length] },
    })),
  };
}
