// Does the output layer produce what the loss expects? (A set-up check shared by the overfit check
// and the diagnosis.) The check itself lives in shared/, so the app runs it while a spec is edited.
export { outputMismatch } from '../../../shared/spec-checks.ts';
