// The verdict of the small-dataset overfit check, as the CLI prints it (--json) and the app shows it.

export type OverfitReason =
  | 'learning_rate_too_high' | 'learning_rate_too_low' | 'dead_units' | 'saturated_units' | 'frozen_layers'
  | 'inputs_labels_misaligned' | 'output_loss_mismatch' | 'too_few_parameters' | 'budget_exhausted';

export interface OverfitResult {
  passed: boolean;
  reason: OverfitReason | null;
  /** one sentence: what is wrong and what usually fixes it */
  explanation: string | null;
  /** the numbers behind the verdict */
  evidence: string[];
  final_loss: number;
  final_accuracy: number | null;
  steps: number;
  initial_loss: number;
  expected_initial_loss: number | null;
  initial_loss_ok: boolean | null;
  samples: number;
  switched_off: string[];
  losses: number[];
  backend: string;
}

