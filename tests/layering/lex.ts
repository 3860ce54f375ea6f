// Comment and string masking for the import scanner. Regexes over raw source get fooled by
// commented-out imports and by strings such as 'http://...' or "import 'x'", so the scanner
// first needs a copy of the source in which only code is left, with every position unchanged.

/** A string literal found in the source; `value` is null for templates with `${}` substitutions. */
export interface Literal {
  end: number;
  value: string | null;
}

export interface Lexed {
  /** The source with comments and literal contents blanked (quotes kept), same length. */
  shape: string;
  /** Literals by the offset of their opening quote. */
  literals: Map<number, Literal>;
}

// After these a `/` starts a regular expression rather than a division (the usual heuristic).
const REGEX_AFTER_CHAR = new Set([...'(,=:[!&|?{};+-*%<>~^']);
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

export function lex(src: string): Lexed {
  const out = src.split('');
  const literals = new Map<number, Literal>();
  const blank = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  const unescape = (raw: string) => raw.replace(/\\(.)/g, '$1');
  // brace depth at each open `${`, so its closing `}` resumes the template
  const substitutions: number[] = [];
  let depth = 0;
  let prev = ''; // last significant character, or word
  let i = 0;

  // Scans template text from `from` (just past a backtick or a substitution's `}`); returns where code resumes.
  const template = (open: number, from: number): number => {
    let j = from;
    while (j < src.length && src[j] !== '`' && !(src[j] === '$' && src[j + 1] === '{')) j += src[j] === '\\' ? 2 : 1;
    const closed = src[j] === '`';
    if (open >= 0) literals.set(open, { end: Math.min(j + 1, src.length), value: closed ? unescape(src.slice(from, j)) : null });
    blank(from, j);
    if (closed || j >= src.length) return j + 1;
    substitutions.push(depth);
    depth++;
    return j + 2;
  };

  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end < 0 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end < 0 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' ? 2 : 1;
      literals.set(i, { end: j + 1, value: unescape(src.slice(i + 1, j)) });
      blank(i + 1, j);
      i = j + 1;
      prev = c;
    } else if (c === '`') {
      i = template(i, i + 1);
      prev = c;
    } else if (c === '}' && substitutions.length > 0 && substitutions[substitutions.length - 1] === depth - 1) {
      substitutions.pop();
      depth--;
      i = template(-1, i + 1);
      prev = '`';
    } else if (c === '/' && (prev === '' || REGEX_AFTER_CHAR.has(prev) || REGEX_AFTER_WORD.has(prev))) {
      let j = i + 1;
      let inClass = false;
      while (j < src.length && src[j] !== '\n' && (inClass || src[j] !== '/')) {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') inClass = true;
        else if (src[j] === ']') inClass = false;
        j++;
      }
      if (src[j] === '/') {
        blank(i + 1, j);
        i = j + 1;
        prev = 'regex';
      } else {
        i++; // not a regex after all (no closing slash on the line): a division
        prev = c;
      }
    } else if (/[\w$]/.test(c)) {
      let j = i;
      while (j < src.length && /[\w$]/.test(src[j])) j++;
      prev = src.slice(i, j);
      i = j;
    } else {
      if (c === '{') depth++;
      else if (c === '}') depth--;
      if (!/\s/.test(c)) prev = c;
      i++;
    }
  }
  return { shape: out.join(''), literals };
}
