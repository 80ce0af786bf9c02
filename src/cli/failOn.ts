/** The `--fail-on` option: which warning kinds make a command exit with EXIT.failed. */
import { WARNING_KINDS, WarningKind } from '../core/diagnosis/report';

/** "any" → every kind; a comma list → those kinds; undefined → none. */
export function parseFailOn(value: string | undefined): readonly WarningKind[] | 'invalid' {
  if (value === undefined) return [];
  if (value === 'any') return WARNING_KINDS;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return kinds.length && kinds.every((k) => (WARNING_KINDS as readonly string[]).includes(k))
    ? (kinds as WarningKind[])
    : 'invalid';
}
