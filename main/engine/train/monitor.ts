// The monitored quantity of early stopping, checkpoints and reduce-on-plateau: a name like
// `val_loss` or `accuracy`, looked up in an epoch's metrics, with Keras' direction rules.
import type { Metrics } from '../../../shared/events.ts';

export function resolveMode(mode: 'auto' | 'min' | 'max', monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|auc|precision|recall/.test(monitor) ? 'max' : 'min';
}

export function isImprovement(value: number, best: number, mode: 'min' | 'max', minDelta: number): boolean {
  return mode === 'min' ? value < best - minDelta : value > best + minDelta;
}

/** `val_x` reads x from the validation metrics, anything else from the training metrics. */
export function monitored(monitor: string, train: Metrics, validation: Metrics | null): number | undefined {
  if (monitor.startsWith('val_')) return validation?.[monitor.slice(4)];
  return train[monitor];
}
