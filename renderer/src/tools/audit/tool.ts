// The data audit in the app: on a run's Overview (its spec) and in New run. Its samples open in
// the Misclassified view as the "train (cross-validated)" split of the open run.
import { auditTool, type AuditResult } from '../../../../shared/tools/audit/definition.ts';
import { defineRendererTool } from '../framework/tool.ts';
import { auditVerdict } from './verdict.ts';
import AuditPanel from './AuditPanel.svelte';

export const auditView = defineRendererTool({
  definition: auditTool, panel: AuditPanel, verdict: auditVerdict, onRun: true,
  browse: (r: AuditResult) => ({
    split: 'train', n: r.n, classes: r.classes, classNames: r.classNames, accuracy: r.accuracy, confusion: r.confusion, labelIssues: r.labelIssues,
    ...r.samples, ...(r.nearTwins.marked ? { twins: r.nearTwins.marked } : {}),
  }),
});
