import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";

// Recharts: React components drawing SVG, tree-shaken to what is used here. Every chart has a
// text alternative (aria-label, and the figures in a table next to it on each page).

export const COLORS = { primary: "#4f46e5", green: "#15803d", yellow: "#b45309", red: "#b91c1c", grid: "#e5e7eb", muted: "#6b7280" };
export const BAND_COLORS: Record<string, string> = { GREEN: COLORS.green, YELLOW: COLORS.yellow, RED: COLORS.red };

function Frame({ label, children, height = 240 }: { label: string; children: ReactNode; height?: number }) {
  return (
    <figure className="chart" role="img" aria-label={label} style={{ height }}>
      <ResponsiveContainer width="100%" height="100%">
        {children as never}
      </ResponsiveContainer>
    </figure>
  );
}

export interface BarDatum {
  name: string;
  value: number;
  color?: string;
}

export function Bars({ label, data, format = String, height }: { label: string; data: BarDatum[]; format?: (n: number) => string; height?: number }) {
  return (
    <Frame label={label} height={height}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke={COLORS.grid} vertical={false} />
        <XAxis dataKey="name" tick={{ fontSize: 12 }} interval={0} />
        <YAxis tick={{ fontSize: 12 }} tickFormatter={format} width={56} />
        <Tooltip formatter={(v) => format(Number(v))} />
        <Bar dataKey="value" isAnimationActive={false} radius={[4, 4, 0, 0]}>
          {data.map((d) => (
            <Cell key={d.name} fill={d.color ?? COLORS.primary} />
          ))}
        </Bar>
      </BarChart>
    </Frame>
  );
}

export interface Series {
  key: string;
  name: string;
  color: string;
}

export function Lines({ label, data, x, series, domain, format = String }: { label: string; data: object[]; x: string; series: Series[]; domain?: [number, number]; format?: (n: number) => string }) {
  return (
    <Frame label={label}>
      <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke={COLORS.grid} vertical={false} />
        <XAxis dataKey={x} tick={{ fontSize: 12 }} />
        <YAxis tick={{ fontSize: 12 }} domain={domain ?? ["auto", "auto"]} tickFormatter={format} width={56} />
        <Tooltip formatter={(v) => format(Number(v))} />
        {series.map((s) => (
          <Line key={s.key} dataKey={s.key} name={s.name} stroke={s.color} strokeWidth={2} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </Frame>
  );
}

export interface Point {
  name: string;
  x: number;
  y: number;
  size?: number;
}

export function Scatterplot({ label, data, xName, yName, xFormat = String, yFormat = String }: { label: string; data: Point[]; xName: string; yName: string; xFormat?: (n: number) => string; yFormat?: (n: number) => string }) {
  return (
    <Frame label={label} height={280}>
      <ScatterChart margin={{ top: 8, right: 16, bottom: 16, left: 0 }} accessibilityLayer={false}>
        <CartesianGrid stroke={COLORS.grid} />
        <XAxis type="number" dataKey="x" name={xName} tick={{ fontSize: 12 }} tickFormatter={xFormat} label={{ value: xName, position: "insideBottom", offset: -8, fontSize: 12 }} />
        <YAxis type="number" dataKey="y" name={yName} tick={{ fontSize: 12 }} tickFormatter={yFormat} width={56} />
        <ZAxis type="number" dataKey="size" range={[60, 400]} />
        <Tooltip formatter={(v, name) => (name === xName ? xFormat(Number(v)) : name === yName ? yFormat(Number(v)) : String(v))} labelFormatter={() => ""} />
        <Scatter data={data} fill={COLORS.primary} isAnimationActive={false} />
      </ScatterChart>
    </Frame>
  );
}
