// CSV with a header row: one label column, every other column a numeric feature.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InputError } from '../errors.ts';
import type { Dataset } from './dataset.ts';

/** Splits one CSV line, honouring double quotes ("a,b" and "" escapes). */
// Errors name a cell only when it looks like a CSV value: a path that is not a CSV at all (a
// password file, a key) must not be quoted back to whoever asked, which over `serve` is a socket.
const plainText = (v: string) => /^[\w .+\-%()/#]{0,40}$/.test(v);
const quote = (v: string) => (plainText(v) ? JSON.stringify(v) : `a ${v.length}-character value`);

export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false; else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
  }
  out.push(cur);
  return out;
}

export interface CsvOptions {
  label: string;
  task: 'classification' | 'regression';
  /** class names fixed by the training file, so a test file maps its labels the same way */
  classNames?: string[] | null;
}

export function loadCsv(file: string, opts: CsvOptions): Dataset {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message);
  }
  if (text.includes('\u0000')) throw new InputError(file, 'not a text CSV file (binary data)');
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length < 2) throw new InputError(file, 'needs a header row and at least one data row');
  const header = splitCsvLine(lines[0]).map((h) => h.trim());
  const labelCol = header.indexOf(opts.label);
  if (labelCol < 0) {
    throw new InputError(file, `label column "${opts.label}" not in the header (${header.every(plainText) ? `columns: ${header.slice(0, 12).join(', ')}${header.length > 12 ? ', ...' : ''}` : `${header.length} column(s); the first line does not look like a CSV header`})`);
  }
  const features = header.length - 1;
  if (features < 1) throw new InputError(file, 'no feature columns besides the label');
  const n = lines.length - 1;
  const x = new Float32Array(n * features);
  const rawLabels: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    const lineNo = r + 2;
    const cells = splitCsvLine(lines[r + 1]);
    if (cells.length !== header.length) {
      throw new InputError(file, `line ${lineNo}: ${cells.length} columns, header has ${header.length}`);
    }
    let k = 0;
    for (let c = 0; c < cells.length; c++) {
      if (c === labelCol) { rawLabels[r] = cells[c].trim(); continue; }
      const cell = cells[c].trim();
      const v = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        throw new InputError(file, `line ${lineNo}, column ${quote(header[c])}: ${quote(cell)} is not a number`);
      }
      x[r * features + k++] = v;
    }
  }
  const y = new Float32Array(n);
  let classNames: string[] | null = null;
  if (opts.task === 'regression') {
    rawLabels.forEach((s, r) => {
      const v = Number(s);
      if (s === '' || !Number.isFinite(v)) throw new InputError(file, `line ${r + 2}, column "${opts.label}": ${quote(s)} is not a numeric target`);
      y[r] = v;
    });
  } else {
    classNames = opts.classNames ?? sortedClassNames(rawLabels);
    const index = new Map(classNames.map((c, i) => [c, i]));
    rawLabels.forEach((s, r) => {
      const i = index.get(s);
      if (i === undefined) {
        throw new InputError(file, `line ${r + 2}, column "${opts.label}": class ${quote(s)} is not among the training classes`);
      }
      y[r] = i;
    });
    if (classNames.length < 2) throw new InputError(file, `column "${opts.label}" has a single class; classification needs at least 2`);
  }
  return {
    x, y, n, shape: [features], classes: classNames ? classNames.length : null, classNames,
    range: null, source: basename(file), featureNames: header.filter((_, c) => c !== labelCol),
  };
}

/** Integer labels sort numerically (so "10" follows "9"), anything else alphabetically. */
function sortedClassNames(labels: string[]): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((s) => /^-?\d+$/.test(s));
  return unique.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
}
