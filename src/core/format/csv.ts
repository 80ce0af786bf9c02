/** A small RFC 4180 CSV reader: quoted fields, doubled quotes, CRLF, blank lines ignored. */
import { Dataset } from './spec';

/** A CSV problem with its 1-based line number in the CSV file. */
export interface CsvError {
  readonly message: string;
  readonly line: number;
}

/** Splits CSV text into records of fields, each with its 1-based starting line. */
export function parseCsvRecords(text: string): { fields: string[]; line: number }[] | CsvError {
  const records: { fields: string[]; line: number }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  const endRecord = (): void => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '') records.push({ fields, line: recordLine });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) return { message: 'unterminated quoted field', line: recordLine };
  if (field !== '' || fields.length) endRecord();
  return records;
}

/**
 * A Dataset from CSV text with a header row: the `targets` columns become targets (in the order
 * given), every other column an input feature (in file order), whose count must be `inputSize`.
 */
export function parseCsv(
  text: string,
  targets: readonly string[],
  inputSize: number,
): { dataset?: Dataset; error?: CsvError } {
  const records = parseCsvRecords(text.replace(/^\uFEFF/, ''));
  if (!Array.isArray(records)) return { error: records };
  if (records.length < 2)
    return { error: { message: 'the CSV file needs a header row and at least one data row', line: 1 } };
  const header = records[0].fields.map((h) => h.trim());
  const targetColumns = targets.map((t) => header.indexOf(t));
  const missing = targets.filter((_, i) => targetColumns[i] < 0);
  if (missing.length) {
    const named = missing.map((m) => `'${m}'`).join(', ');
    return { error: { message: `no column named ${named} in the header (columns: ${header.join(', ')})`, line: 1 } };
  }
  const inputColumns = header.map((_, i) => i).filter((i) => !targetColumns.includes(i));
  if (inputColumns.length !== inputSize) {
    const columns = `${inputColumns.length} input column${inputColumns.length === 1 ? '' : 's'}`;
    const names = inputColumns.map((i) => header[i]).join(', ');
    return { error: { message: `the CSV has ${columns} (${names}) but "input" is ${inputSize}`, line: 1 } };
  }
  const rows = records.slice(1);
  const inputs = new Float64Array(rows.length * inputSize);
  const out = new Float64Array(rows.length * targets.length);
  for (let s = 0; s < rows.length; s++) {
    const { fields, line } = rows[s];
    if (fields.length !== header.length)
      return { error: { message: `expected ${header.length} fields, found ${fields.length}`, line } };
    const read = (col: number): number | CsvError => {
      const raw = fields[col].trim();
      const v = raw === '' ? NaN : Number(raw);
      return Number.isFinite(v) ? v : { message: `column '${header[col]}' has "${raw}", not a finite number`, line };
    };
    for (let i = 0; i < inputSize; i++) {
      const v = read(inputColumns[i]);
      if (typeof v !== 'number') return { error: v };
      inputs[s * inputSize + i] = v;
    }
    for (let t = 0; t < targets.length; t++) {
      const v = read(targetColumns[t]);
      if (typeof v !== 'number') return { error: v };
      out[s * targets.length + t] = v;
    }
  }
  return { dataset: { samples: rows.length, inputSize, targetSize: targets.length, inputs, targets: out } };
}
