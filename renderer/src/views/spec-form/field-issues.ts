// The issues of the spec being edited, by path (`model.layers[1].units`), handed to every field of
// the form through Svelte's context (a getter, so the fields follow the edits).
import type { FieldIssue } from './issue-text.ts';

export const FIELD_ISSUES = Symbol('field-issues');
export type FieldIssues = () => Map<string, FieldIssue>;

/** The first issue of each path wins: the one the user meets first in the list. */
export function byPath(issues: FieldIssue[]): Map<string, FieldIssue> {
  const m = new Map<string, FieldIssue>();
  for (const i of issues) if (!m.has(i.path)) m.set(i.path, i);
  return m;
}
