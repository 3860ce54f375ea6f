// Where each value of a JSON text starts (its 1-based line), by path as formatPath writes it
// (`model.layers[1].units`), so the editor can mark the line of an issue. A small scanner, not a
// parser: it runs on text JSON.parse has accepted.

export function pathLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  // one frame per open container: its path, and the key (object) or index (array) of the value to come
  const stack: { path: string; array: boolean; key: string | null; index: number }[] = [];
  let line = 1;
  const childPath = () => {
    const top = stack[stack.length - 1];
    if (!top) return '(root)';
    if (top.array) return `${top.path === '(root)' ? '' : top.path}[${top.index}]`;
    return top.path === '(root)' ? top.key ?? '' : `${top.path}.${top.key}`;
  };
  const valueStarts = () => { const p = childPath(); if (!lines.has(p)) lines.set(p, line); return p; };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\n') { line++; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === ':') continue;
    const top = stack[stack.length - 1];
    if (c === ',') { if (top?.array) top.index++; else if (top) top.key = null; continue; }
    if (c === '}' || c === ']') { stack.pop(); continue; }
    if (c === '"') {
      let j = i + 1, s = '';
      for (; j < text.length && text[j] !== '"'; j++) { if (text[j] === '\\') { s += text[j + 1]; j++; } else s += text[j]; }
      if (top && !top.array && top.key === null) top.key = s; // a key: its value follows
      else valueStarts();
      i = j;
      continue;
    }
    if (c === '{' || c === '[') { const p = valueStarts(); stack.push({ path: p, array: c === '[', key: null, index: 0 }); continue; }
    // a number, true, false or null
    valueStarts();
    while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1])) i++;
  }
  return lines;
}

/** The line to mark for an issue at `path`: the value's own, else its nearest enclosing value's (a missing field marks its object). */
export function lineOf(lines: Map<string, number>, path: string): number | null {
  let p = path;
  for (;;) {
    const l = lines.get(p);
    if (l !== undefined) return l;
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    if (cut <= 0) return lines.get('(root)') ?? null;
    p = p.slice(0, cut);
  }
}
