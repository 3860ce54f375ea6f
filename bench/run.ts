// `npm run bench`: prints progress on stderr and, as its last line on stdout, one JSON object
// with every figure and its target. Speed targets live here, never in timed unit tests.
import { benchEngine, benchEvalOverhead } from './engine.ts';
import { benchBrowser } from './browser.ts';
import { benchBnFold, benchLrFind } from './plugins.ts';
import { benchBnFoldExport } from './bn-fold.ts';
import { runSuite } from '../main/engine/diagnosis/suite.ts';
import { benchDiagnosisHoldout } from './diagnosis-holdout.ts';
import { benchBadInput, benchServerProbes } from './hardening.ts';
import { benchWasmSpeed } from './wasm-speed.ts';
import { benchSweeps } from './sweep.ts';
import { benchAuditTrain, benchLabelIssues } from './label-issues.ts';
import { benchDuplicates } from './duplicates.ts';
import { join } from 'node:path';

const TARGETS = {
  overhead_default: '<= 1.05', overhead_every_step: '<= 1.15', cnn_wasm_vs_cpu: '>= 20', eval_overhead: '<= 1.15', wasm_speedup_vs_stock_mlp: '>= 3', wasm_speedup_vs_stock_cnn: '>= 2.5', mlp_samples_per_s_wasm: 'informational', cnn_samples_per_s_wasm: 'informational', wasm_threads: 'informational', wasm_all_cores_vs_default_mlp: 'informational (> 1: the threaded build on every core is faster)', wasm_all_cores_vs_default_cnn: 'informational',
  diagnosis_recall: '>= 0.95', diagnosis_false_alarms: '0', diagnosis_cause_top1: '>= 0.9', diagnosis_contradictions: '0', diagnosis_groups_median: '<= 3', diagnosis_cause_top1_holdout: 'informational (rules not tuned on it)', diagnosis_false_alarms_holdout: 'informational', bad_input_handled: 'all', server_survived: 'all', lr_find_ms: 'informational', bn_fold_max_abs_err: '<= 1e-5', bn_fold_export_max_abs_err: '<= 1e-5',
  label_issue_precision_at_k: '>= 0.85', duplicates_recall: '1.0 (planted exact and near copies of training images in Fashion-MNIST\'s test set)', duplicates_exact_s: 'informational', duplicates_near_s: 'informational', audit_train_precision_at_k: 'informational (10% flips of the digits\' training labels, 5 folds)', audit_train_recall_flagged: 'informational', audit_train_precision_flagged: 'informational', label_issue_recall_flagged: 'informational (uniform flips)', label_issue_precision_flagged: 'informational', label_issue_precision_at_k_confusable: 'informational (flips to the most confused class)', label_issue_recall_flagged_confusable: 'informational', label_issue_precision_flagged_confusable: 'informational',
  sweep_parallel_speedup: 'informational (about 1.6 or more on 2 cores)', sweep_parallel_speedup_warm: 'informational (the engines started and warm)', sweep_parallel_speedup_2000: 'informational (trials of 2,000 samples: shorter than starting an engine)', asha_compute_fraction: '<= 0.5', asha_found_share: 'informational (arrival orders in which successive halving got within 1% of the grid)', asha_compute_fraction_single_run: 'informational', asha_total_epochs_fraction: 'informational', queue_overhead: '<= 1.1',
  heatmap_draw_ms: '< 16', live_frame_p95_ms: '< 20', dexie_ingest_100k_ms: '< 1000', run_open_ms: '< 1000',
};

const only = process.argv[2]; // `npm run bench -- engine` or `-- browser` runs one half
async function benchDiagnosis() {
  process.stderr.write('diagnosis suite (tests/fixtures/diagnosis)...\n');
  const dir = join(import.meta.dirname ?? '.', '..', 'tests', 'fixtures', 'diagnosis');
  const r = await runSuite(dir, 'cpu', (c) => {
    const cause = c.diagnosis?.cause?.kind ?? null;
    const problems = [
      ...(cause !== c.expected.cause ? [`cause ${cause}, expected ${c.expected.cause}`] : []),
      ...(c.missing.length ? [`missed ${c.missing.join(', ')}`] : []),
      ...(c.falseAlarms.length ? [`${c.falseAlarms.length} false alarm(s)`] : []),
      ...c.contradictions.map((x) => `contradiction in ${x.where}: ${x.why}`),
    ];
    process.stderr.write(`  ${c.name}: ${problems.length ? problems.join('; ') : cause ? `${cause}, ${c.groups} group(s)` : 'clean'}\n`);
  });
  return {
    diagnosis_recall: r.recall, diagnosis_false_alarms: r.falseAlarms, diagnosis_cause_top1: r.causeTop1,
    diagnosis_contradictions: r.contradictions, diagnosis_groups_median: r.groupsMedian,
    ...(await benchDiagnosisHoldout(dir)),
  };
}

const engine = only === 'browser' ? {} : { ...benchBadInput(), ...(await benchServerProbes()), ...(await benchEngine()), ...(await benchWasmSpeed()), ...(await benchEvalOverhead()), ...(await benchDiagnosis()), ...(await benchLrFind()), ...(await benchBnFold()), ...(await benchBnFoldExport()), ...(await benchSweeps()), ...(await benchLabelIssues()), ...(await benchAuditTrain()), ...(await benchDuplicates()) };
if (only !== 'engine') process.stderr.write('renderer benchmarks in Chromium...\n');
const browser = only === 'engine' ? {} : await benchBrowser();
const result = { ...engine, ...browser, targets: TARGETS };
process.stdout.write(`${JSON.stringify(result)}\n`);
