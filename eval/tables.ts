/** The CSV files of the corpus (eval/cases/data/), each with exactly its input and target columns. */
import { Table, assay, houses, pick, pixels, rescaled, weather } from './data';

const HOUSE_FEATURES = ['sqft', 'bedrooms', 'year_built', 'lot_acres'];
const WEATHER_FEATURES = ['temp_f', 'humidity', 'wind_mph', 'pressure_hpa'];
const house = houses(160, 101);
const sky = weather(160, 202);
const px16 = pixels(160, 4, 4, 303);
const px64 = pixels(200, 8, 10, 404);
const lab = assay(120, 505);
const unit = (t: Table, n: number): Table => ({
  columns: t.columns,
  rows: t.rows.map((r) => r.map((x, i) => (i < n ? Number((x / 255).toFixed(4)) : x))),
});

/** Every CSV file by name. */
export const TABLES: Readonly<Record<string, Table>> = {
  'houses-price.csv': pick(house, [...HOUSE_FEATURES, 'price']),
  'houses-price-std.csv': pick(rescaled(house, HOUSE_FEATURES, 'standard'), [...HOUSE_FEATURES, 'price']),
  'houses-price-minmax.csv': pick(rescaled(house, HOUSE_FEATURES, 'minmax'), [...HOUSE_FEATURES, 'price']),
  'houses-class.csv': pick(house, [...HOUSE_FEATURES, 'expensive']),
  'houses-class-std.csv': pick(rescaled(house, HOUSE_FEATURES, 'standard'), [...HOUSE_FEATURES, 'expensive']),
  'weather-rain.csv': pick(sky, [...WEATHER_FEATURES, 'rain']),
  'weather-rain-std.csv': pick(rescaled(sky, WEATHER_FEATURES, 'standard'), [...WEATHER_FEATURES, 'rain']),
  'weather-rain-minmax.csv': pick(rescaled(sky, WEATHER_FEATURES, 'minmax'), [...WEATHER_FEATURES, 'rain']),
  'weather-sales.csv': pick(sky, [...WEATHER_FEATURES, 'sales']),
  'weather-sales-std.csv': pick(rescaled(sky, WEATHER_FEATURES, 'standard'), [...WEATHER_FEATURES, 'sales']),
  'weather-tempf-std.csv': pick(rescaled(sky, ['humidity', 'wind_mph', 'pressure_hpa', 'temp_c'], 'standard'), [
    'humidity',
    'wind_mph',
    'pressure_hpa',
    'temp_c',
    'temp_f',
  ]),
  'pixels16.csv': px16,
  'pixels16-unit.csv': unit(px16, 16),
  'pixels64.csv': px64,
  'pixels64-unit.csv': unit(px64, 64),
  'assay.csv': lab,
  'assay-std.csv': rescaled(lab, ['conc_a', 'conc_b'], 'standard'),
};

/** A CSV data section and the one table it reads. */
export function csvData(
  file: string,
  targets: string[],
): { data: Record<string, unknown>; csvs: Record<string, Table> } {
  if (!TABLES[file]) throw new Error(`no table ${file}`);
  return { data: { csv: `data/${file}`, targets }, csvs: { [file]: TABLES[file] } };
}

/** Target column names of a pixels table. */
export const pixelTargets = (classes: number): string[] => Array.from({ length: classes }, (_, k) => `c${k}`);
