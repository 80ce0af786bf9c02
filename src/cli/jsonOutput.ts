/**
 * `--json` output written as it is produced, so a run of a million steps never builds one
 * string: one object for one file, `{"files": [...]}` for several. Non-finite numbers are written
 * as strings ("NaN", "Infinity"), as everywhere in the CLI's JSON.
 */
import { toJsonText } from '../shared/numbers';
import { CliIo } from './io';

/** An array field filled while the command runs, then the fields known only at its end. */
export interface StreamedField {
  readonly key: string;
  /** Runs the command, handing each array item to `emit` as soon as it exists. */
  run(emit: (item: unknown) => void): void;
  /** Fields written after the array. */
  after(): object;
}

/** Writes the --json output of one CLI run, object by object. */
export class JsonOutput {
  private objects = 0;
  private readonly pad: string;

  constructor(
    private readonly io: CliIo,
    private readonly many: boolean,
  ) {
    this.pad = many ? '    ' : '';
    if (many) io.out('{\n  "files": [');
  }

  /** Writes one object; with `streamed`, its array field is written item by item. */
  object(fields: object, streamed?: StreamedField): void {
    if (this.objects > 0 && !this.many) return; // one file: one object (callers never ask for more)
    const opening = this.many ? `${this.objects ? ',' : ''}\n` : '';
    this.objects++;
    if (!streamed) {
      this.write(opening + toJsonText(fields, 2));
      return;
    }
    const head = toJsonText(fields, 2);
    this.write(`${opening}${head.slice(0, head.lastIndexOf('\n}'))},\n  ${JSON.stringify(streamed.key)}: [`);
    let items = 0;
    streamed.run((item) => this.write(`${items++ ? ',' : ''}\n    ${toJsonText(item)}`));
    const tail = toJsonText(streamed.after(), 2);
    this.write(`\n  ],${tail.slice(1)}`);
  }

  /** Closes the output. */
  end(): void {
    if (this.many) this.io.out('\n  ]\n}\n');
    else if (this.objects === 0) this.io.out('{\n  "files": []\n}\n');
    else this.io.out('\n');
  }

  private write(text: string): void {
    this.io.out(this.pad ? text.replace(/\n/g, `\n${this.pad}`) : text);
  }
}
