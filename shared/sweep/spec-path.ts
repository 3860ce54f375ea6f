// Paths into a run spec as people write them: `training.optimizer.learningRate`,
// `model.layers[1].units`. Setting one never changes the object it is given.
export type PathSegment = string | number;

export function parseSpecPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  const re = /([A-Za-z_][\w-]*)|\[(\d+)\]|(\.)/gy;
  let expectName = true, m: RegExpExecArray | null, at = 0;
  while (at < path.length) {
    re.lastIndex = at;
    m = re.exec(path);
    if (!m) throw new Error(`"${path}" is not a spec path (at "${path.slice(at)}"): write fields with dots and list items as [n], e.g. model.layers[1].units`);
    if (m[1] !== undefined) {
      if (!expectName) throw new Error(`"${path}": a "." is missing before "${m[1]}"`);
      out.push(m[1]);
      expectName = false;
    } else if (m[2] !== undefined) {
      if (expectName) throw new Error(`"${path}": [${m[2]}] must follow a field name`);
      out.push(Number(m[2]));
    } else {
      if (expectName) throw new Error(`"${path}": a field name is missing before a "."`);
      expectName = true;
    }
    at = re.lastIndex;
  }
  if (!out.length || expectName) throw new Error(`"${path}" is not a spec path: it ${out.length ? 'ends with a "."' : 'is empty'}`);
  return out;
}

export function formatSpecPath(segments: readonly PathSegment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i ? `.${s}` : s)).join('');
}

export function getAtPath(obj: unknown, segments: readonly PathSegment[]): unknown {
  let cur = obj;
  for (const s of segments) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

/**
 * A deep copy of `obj` with `value` at the path. Missing objects on the way are created (an
 * optional section such as training.clip); a list index must exist, since a new item would need
 * the rest of its fields.
 */
export function setAtPath<T>(obj: T, segments: readonly PathSegment[], value: unknown): T {
  const root = structuredClone(obj) as unknown;
  let cur = root as Record<string | number, unknown>;
  segments.forEach((s, i) => {
    const last = i === segments.length - 1;
    if (typeof s === 'number') {
      if (!Array.isArray(cur) || s >= cur.length) throw new Error(`${formatSpecPath(segments.slice(0, i))} has ${Array.isArray(cur) ? cur.length : 'no'} entries: there is no [${s}]`);
    } else if (Array.isArray(cur) || cur === null || typeof cur !== 'object') {
      throw new Error(`${formatSpecPath(segments.slice(0, i))} is not an object with fields`);
    }
    if (last) { cur[s] = structuredClone(value); return; }
    if (cur[s] === undefined && typeof s === 'string') cur[s] = typeof segments[i + 1] === 'number' ? [] : {};
    cur = cur[s] as Record<string | number, unknown>;
  });
  return root as T;
}
