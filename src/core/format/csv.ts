/**
 * A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF, blank lines ignored. Records are read one
 * at a time, so counting and parsing a large file hold one record's fields, never the whole table; messages
 * name lines and column numbers but never echo the file's contents.
 */
import { shortName } from './json';
import { Dataset } from './spec';

/** A CSV problem with its 1-based line number in the CSV file. */
export interface CsvError {
  readonly message: string;
  readonly line: number;
}

/** One record: its fields and the 1-based line it starts on. */
export interface CsvRecord {
  readonly fields: string[];
  readonly line: number;
}

/** The records of CSV text in order (blank lines skipped); an unterminated quote ends with a CsvError. */
export function* csvRecords(text: string): Generator<CsvRecord | CsvError> {
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      const f = readField(text, i);
      if (f === undefined) {
        yield { message: 'unterminated quoted field', line: start };
        return;
      }
      fields.push(f.value);
      line += f.breaks;
      i = f.end;
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      if (i < text.length) line++;
      i++;
      break;
    }
    if (fields.length > 1 || fields[0].trim() !== '') yield { fields, line: start };
  }
}

/** The field starting at `i`: its value, where it ends (at , \r \n or the end), and line breaks inside quotes. */
function readField(text: string, i: number): { value: string; end: number; breaks: number } | undefined {
  if (text[i] !== '"') {
    let end = i;
    while (end < text.length) {
      const c = text.charCodeAt(end);
      if (c === 44 || c === 10 || c === 13) break;
      end++;
    }
    return { value: text.slice(i, end), end, breaks: 0 };
  }
  let value = '';
  let breaks = 0;
  let from = i + 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === '\n') breaks++;
    if (text[j] !== '"') continue;
    value += text.slice(from, j);
    if (text[j + 1] === '"') {
      value += '"';
      from = ++j + 1;
      continue;
    }
    // after the closing quote, anything up to the separator belongs to the field (as a lenient reader keeps it)
    const rest = readField(text, j + 1);
    return rest && { value: value + rest.value, end: rest.end, breaks: breaks + rest.breaks };
  }
  return undefined;
}

/** Every record of CSV text, or the first error. */
export function parseCsvRecords(text: string): CsvRecord[] | CsvError {
  const records: CsvRecord[] = [];
  for (const r of csvRecords(text)) {
    if (!('fields' in r)) return r;
    records.push(r);
  }
  return records;
}

/** Number of data rows (records after the header), or the first error; holds one record at a time. */
export function countCsvRows(text: string): number | CsvError {
  let records = 0;
  for (const r of csvRecords(text)) {
    if (!('fields' in r)) return r;
    records++;
  }
  return Math.max(0, records - 1);
}

/**
 * A Dataset from CSV text with a header row: the `targets` columns become targets (in the order
 * given), every other column an input feature (in file order), whose count must be `inputSize`. With
 * `classes` = k, the one target column holds class indices 0 … k−1, which become one-hot rows of k.
 */
export function parseCsv(
  text: string,
  targets: readonly string[],
  inputSize: number,
  classes?: number,
): { dataset?: Dataset; error?: CsvError } {
  const rows = countCsvRows(text);
  if (typeof rows !== 'number') return { error: rows };
  const records = csvRecords(text);
  const first = records.next().value as CsvRecord | undefined;
  if (!first || rows < 1)
    return { error: { message: 'the CSV file needs a header row and at least one data row', line: 1 } };
  const columns = headerColumns(first, targets, inputSize);
  if ('message' in columns) return { error: columns };
  const targetSize = classes ?? targets.length;
  const inputs = new Float64Array(rows * inputSize);
  const out = new Float64Array(rows * targetSize);
  const label = new Float64Array(1);
  let s = 0;
  for (const record of records) {
    const { fields, line } = record as CsvRecord;
    if (fields.length !== first.fields.length)
      return { error: { message: `expected ${first.fields.length} fields, found ${fields.length}`, line } };
    const into = classes ? label : out.subarray(s * targetSize);
    const bad = readRow(fields, columns.inputs, inputs, s * inputSize) ?? readRow(fields, columns.targets, into, 0);
    if (bad !== undefined) {
      const i = columns.targets.indexOf(bad);
      const which = i >= 0 ? `target column '${shortName(targets[i])}'` : `input column ${bad + 1}`;
      return { error: { message: `${which} is empty or not a finite number`, line } };
    }
    if (classes) {
      const c = label[0];
      if (!Number.isInteger(c) || c < 0 || c >= classes) {
        const what = `not a class index from 0 to ${classes - 1} (the softmax output's ${classes} classes)`;
        return { error: { message: `target column '${shortName(targets[0])}' holds a value that is ${what}`, line } };
      }
      out[s * targetSize + c] = 1;
    }
    s++;
  }
  return { dataset: { samples: rows, inputSize, targetSize, inputs, targets: out } };
}

/** Indices of the input and target columns named by the header, or why they do not fit. */
function headerColumns(
  header: CsvRecord,
  targets: readonly string[],
  inputSize: number,
): { inputs: number[]; targets: number[] } | CsvError {
  const names = header.fields.map((h) => h.trim());
  const targetColumns = targets.map((t) => names.indexOf(t));
  const missing = targets.filter((_, i) => targetColumns[i] < 0);
  if (missing.length) {
    const named = missing.map((m) => `'${shortName(m)}'`).join(', ');
    return { message: `no column named ${named} in the header row (it has ${names.length} columns)`, line: 1 };
  }
  const inputColumns = names.map((_, i) => i).filter((i) => !targetColumns.includes(i));
  if (inputColumns.length !== inputSize) {
    const count = `${inputColumns.length} input column${inputColumns.length === 1 ? '' : 's'}`;
    return { message: `the CSV has ${count} (the non-target columns) but "input" is ${inputSize}`, line: 1 };
  }
  return { inputs: inputColumns, targets: targetColumns };
}

/** Reads `columns` of a record as numbers into `into` from `at`; returns the first column that is not one. */
function readRow(fields: string[], columns: readonly number[], into: Float64Array, at: number): number | undefined {
  for (let i = 0; i < columns.length; i++) {
    const raw = fields[columns[i]].trim();
    const v = raw === '' ? NaN : Number(raw);
    if (!Number.isFinite(v)) return columns[i];
    into[at + i] = v;
  }
  return undefined;
}
