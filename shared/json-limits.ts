// Limits on what a host accepts as a command, checked before anything else reads it: a spec
// nested thousands of levels deep is small on the wire but overflows the stack of whatever walks
// it next (the schema, structured clone on the way to the engine).

/** The nesting depth allowed in a command: a spec is at most a handful of levels deep. */
export const MAX_JSON_DEPTH = 64;

/** True when `value` nests objects or arrays deeper than `max` levels (walked without recursion). */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}
