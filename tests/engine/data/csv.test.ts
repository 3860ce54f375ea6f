import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCsv, splitCsvLine } from '../../../main/engine/data/csv.ts';
import { tmp } from '../../helpers.ts';

function write(content: string) {
  const f = join(tmp(), 'data.csv');
  writeFileSync(f, content);
  return f;
}

describe('CSV loader', () => {
  it('reads numeric features and maps class names in sorted order', () => {
    const f = write('a,b,species\n1,2,setosa\n3.5,-4,virginica\n0,1e-3,setosa\n');
    const d = loadCsv(f, { label: 'species', task: 'classification' });
    expect(d.n).toBe(3);
    expect(d.shape).toEqual([2]);
    expect(Array.from(d.x)).toEqual([1, 2, 3.5, -4, 0, Math.fround(1e-3)]);
    expect(d.classNames).toEqual(['setosa', 'virginica']);
    expect(Array.from(d.y)).toEqual([0, 1, 0]);
  });

  it('sorts integer labels numerically and reads regression targets', () => {
    const f = write('x,label\n1,10\n2,9\n3,2\n');
    expect(loadCsv(f, { label: 'label', task: 'classification' }).classNames).toEqual(['2', '9', '10']);
    expect(Array.from(loadCsv(f, { label: 'label', task: 'regression' }).y)).toEqual([10, 9, 2]);
  });

  it('handles quoted cells and CRLF line ends', () => {
    expect(splitCsvLine('"a,b",2,"say ""hi"""')).toEqual(['a,b', '2', 'say "hi"']);
    const f = write('x,"the label"\r\n1,"yes, really"\r\n2,no\r\n');
    expect(loadCsv(f, { label: 'the label', task: 'classification' }).classNames).toEqual(['no', 'yes, really']);
  });

  it('names the line and column of a bad cell', () => {
    const f = write('a,b,label\n1,2,x\n1,abc,y\n');
    expect(() => loadCsv(f, { label: 'label', task: 'classification' })).toThrow(/data\.csv: line 3, column "b": "abc" is not a number/);
  });

  it('never quotes a file that is not a CSV back in its errors (a password file named as data)', () => {
    const shadow = 'root:$y$j9T$abcdefghij/klmn:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n';
    let message = '';
    try { loadCsv(write(shadow), { label: 'label', task: 'classification' }); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/label column "label" not in the header \(1 column\(s\); the first line does not look like a CSV header\)/);
    expect(message).not.toContain('root');
    message = '';
    try { loadCsv(write('a,label\nroot:$y$j9T$abcdefghij,x\n'), { label: 'label', task: 'classification' }); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/line 2, column "a": a 22-character value is not a number/);
    expect(message).not.toContain('root');
  });

  it('reports a missing label column, ragged rows, empty files and binary data', () => {
    expect(() => loadCsv(write('a,b\n1,2\n'), { label: 'label', task: 'classification' })).toThrow(/label column "label" not in the header \(columns: a, b\)/);
    expect(() => loadCsv(write('a,label\n1,2,3\n'), { label: 'label', task: 'classification' })).toThrow(/line 2: 3 columns, header has 2/);
    expect(() => loadCsv(write('a,label\n'), { label: 'label', task: 'classification' })).toThrow(/needs a header row and at least one data row/);
    expect(() => loadCsv(write('a,label\n\u0000\u0001'), { label: 'label', task: 'classification' })).toThrow(/binary data/);
    expect(() => loadCsv(write('a,label\n1,x\n2,x\n'), { label: 'label', task: 'classification' })).toThrow(/single class/);
  });

  it('maps a test file onto the training classes and refuses unknown ones', () => {
    const f = write('a,label\n1,cat\n2,dog\n');
    expect(Array.from(loadCsv(f, { label: 'label', task: 'classification', classNames: ['dog', 'cat'] }).y)).toEqual([1, 0]);
    expect(() => loadCsv(f, { label: 'label', task: 'classification', classNames: ['cat', 'cow'] })).toThrow(/line 3, column "label": class "dog" is not among the training classes/);
  });
});
