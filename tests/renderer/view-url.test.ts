// The view on screen as the address: #run=<id>&tab=<tab>.
import { describe, expect, it } from 'vitest';
import { parseViewHash, viewHash } from '../../renderer/src/view-url.ts';

describe('view address', () => {
  it('reads run and tab, either missing', () => {
    expect(parseViewHash('#run=digits-mlp-2026-12-03T06-50-01&tab=layers')).toEqual({ run: 'digits-mlp-2026-12-03T06-50-01', tab: 'layers' });
    expect(parseViewHash('#tab=new')).toEqual({ run: null, tab: 'new' });
    expect(parseViewHash('')).toEqual({ run: null, tab: null });
    expect(parseViewHash('#run=&tab=&other=1')).toEqual({ run: null, tab: null });
  });

  it('writes what it reads, escaping what needs it', () => {
    const v = { run: 'a run&b=c', tab: 'overview' };
    expect(parseViewHash(viewHash(v))).toEqual(v);
    expect(viewHash({ run: null, tab: 'new' })).toBe('#tab=new');
    expect(viewHash({ run: null, tab: null })).toBe('');
  });
});
