/**
 * Practitioner-style data sets for the corpus, generated from a fixed seed: house prices, weather readings
 * and tiny images with raw-scale columns, and their standardised or [0, 1]-scaled copies, as CSV text.
 */
import { Rng, createRng } from '../src/core/nn/rng';

/** A table: column names and rows. */
export interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly number[])[];
}

/** CSV text of a table, numbers written with at most 6 significant digits. */
export function csvText(t: Table): string {
  const cell = (x: number): string => String(Number(x.toPrecision(6)));
  return [t.columns.join(','), ...t.rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const round = (x: number, d = 0): number => Number(x.toFixed(d));

/** Houses: sqft, bedrooms, year_built, lot_acres → price in $100k (regression) and expensive (0/1). */
export function houses(n: number, seed: number): Table {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const sqft = round(clamp(1800 + 550 * rng.normal(), 500, 4500));
    const bedrooms = clamp(Math.round(sqft / 700 + rng.normal() * 0.7), 1, 6);
    const year = Math.floor(1950 + 70 * rng.next());
    const lot = round(0.1 + 1.5 * rng.next() ** 2, 2);
    const price = (50 + 0.11 * sqft + 8 * bedrooms + 0.9 * (year - 1950) + 25 * lot + 20 * rng.normal()) / 100;
    rows.push([sqft, bedrooms, year, lot, round(price, 3), 0]);
  }
  const median = [...rows.map((r) => r[4])].sort((a, b) => a - b)[Math.floor(n / 2)];
  for (const r of rows) r[5] = r[4] > median ? 1 : 0;
  return { columns: ['sqft', 'bedrooms', 'year_built', 'lot_acres', 'price', 'expensive'], rows };
}

/** Weather: temp_f, humidity (%), wind_mph, pressure_hpa → rain (0/1), sales (ice cream, in 100s), temp_c. */
export function weather(n: number, seed: number): Table {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const temp = round(30 + 70 * rng.next(), 1);
    const humidity = round(clamp(60 + 20 * rng.normal(), 15, 100));
    const wind = round(clamp(10 + 6 * rng.normal(), 0, 40), 1);
    const pressure = round(1013 + 8 * rng.normal(), 1);
    const rain = humidity + 2 * (1013 - pressure) + 6 * rng.normal() > 70 ? 1 : 0;
    const sales = round(clamp((temp - 40) / 12 - 0.02 * humidity + 0.5 * rng.normal(), 0, 10), 2);
    rows.push([temp, humidity, wind, pressure, rain, sales, round(((temp - 32) * 5) / 9, 2)]);
  }
  return { columns: ['temp_f', 'humidity', 'wind_mph', 'pressure_hpa', 'rain', 'sales', 'temp_c'], rows };
}

/** Tiny images: side×side pixels 0–255 from one noisy template per class; columns p0…, then one-hot c0…. */
export function pixels(n: number, side: number, classes: number, seed: number): Table {
  const rng = createRng(seed);
  const size = side * side;
  const templates = Array.from({ length: classes }, () =>
    Array.from({ length: size }, () => (rng.next() < 0.35 ? 1 : 0)),
  );
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    const px = templates[c].map((on) => round(clamp(on * 220 + 25 * rng.normal() + 15, 0, 255)));
    rows.push([...px, ...Array.from({ length: classes }, (_, k) => (k === c ? 1 : 0))]);
  }
  const columns = [
    ...Array.from({ length: size }, (_, k) => `p${k}`),
    ...Array.from({ length: classes }, (_, k) => `c${k}`),
  ];
  return { columns, rows };
}

/** Lab assay: concentrations in mol/L (≈1e-4) → active (0/1). */
export function assay(n: number, seed: number): Table {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const a = round(1e-4 * (1 + rng.next()), 7),
      b = round(2e-4 * rng.next(), 7);
    rows.push([a, b, a + b + 2e-5 * rng.normal() > 2.5e-4 ? 1 : 0]);
  }
  return { columns: ['conc_a', 'conc_b', 'active'], rows };
}

/** The table with the named feature columns rescaled: 'standard' (mean 0, std 1) or 'minmax' ([0, 1]). */
export function rescaled(t: Table, features: readonly string[], how: 'standard' | 'minmax'): Table {
  const idx = features.map((f) => t.columns.indexOf(f));
  const rows = t.rows.map((r) => [...r]);
  for (const c of idx) {
    const col = t.rows.map((r) => r[c]);
    const mean = col.reduce((s, x) => s + x, 0) / col.length;
    const std = Math.sqrt(col.reduce((s, x) => s + (x - mean) ** 2, 0) / col.length) || 1;
    const lo = Math.min(...col),
      hi = Math.max(...col);
    for (const r of rows)
      r[c] = how === 'standard' ? round((r[c] - mean) / std, 4) : round((r[c] - lo) / (hi - lo || 1), 4);
  }
  return { columns: t.columns, rows };
}

/** The table with only the named columns, in that order. */
export function pick(t: Table, columns: readonly string[]): Table {
  const idx = columns.map((c) => t.columns.indexOf(c));
  return { columns, rows: t.rows.map((r) => idx.map((i) => r[i])) };
}

/** A seeded stream for the builder's own choices. */
export function builderRng(seed: number): Rng {
  return createRng(seed);
}
