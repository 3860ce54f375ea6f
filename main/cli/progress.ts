// A progress line on stderr: epoch, step, loss, samples/s, ETA. Redrawn in place on a
// terminal (at most 10 times a second); one line per epoch when stderr is not a terminal.
import type { RunEvent } from '../../shared/events.ts';

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '--';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function bar(fraction: number, width = 24): string {
  const f = Math.max(0, Math.min(1, fraction));
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}]`;
}

export class ProgressLine {
  private totalSteps = 1;
  private epochs = 1;
  private batch = 64;
  private started = Date.now();
  private lastDraw = 0;
  private loss = NaN;
  private readonly tty: boolean;

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(out.isTTY);
  }

  handle(e: RunEvent) {
    switch (e.type) {
      case 'run-start':
        this.totalSteps = e.totalSteps;
        this.epochs = e.spec.training.epochs;
        this.batch = e.spec.training.batchSize;
        this.started = Date.now();
        this.out.write(`training ${e.spec.name} on ${e.backend.name}: ${e.data.train} train / ${e.data.validation} validation / ${e.data.test} test samples, ${e.model.trainableParams.toLocaleString('en')} parameters\n`);
        break;
      case 'step':
        this.loss = this.loss !== this.loss ? e.loss : 0.9 * this.loss + 0.1 * e.loss; // smoothed
        if (this.tty && Date.now() - this.lastDraw > 100) {
          this.lastDraw = Date.now();
          this.out.write(`\r${this.line(e.epoch, e.step + 1)}\x1b[K`);
        }
        break;
      case 'epoch': {
        const v = e.validation;
        const msg = `epoch ${e.epoch + 1}/${this.epochs}  loss ${e.train.loss.toFixed(4)}${e.train.accuracy !== undefined ? `  acc ${e.train.accuracy.toFixed(4)}` : ''}` +
          `${v ? `  val_loss ${v.loss.toFixed(4)}${v.accuracy !== undefined ? `  val_acc ${v.accuracy.toFixed(4)}` : ''}` : ''}  ${Math.round(e.samplesPerSec)} samples/s  ${formatDuration(e.durationMs)}`;
        this.out.write(`${this.tty ? '\r\x1b[K' : ''}${msg}\n`);
        break;
      }
      case 'lr-change':
        this.out.write(`${this.tty ? '\r\x1b[K' : ''}learning rate ${e.from.toExponential(2)} -> ${e.to.toExponential(2)} (${e.reason})\n`);
        break;
      case 'non-finite':
        this.out.write(`${this.tty ? '\r\x1b[K' : ''}warning: the ${e.what} is ${e.value} at step ${e.step}\n`);
        break;
      case 'early-stop':
        this.out.write(`${this.tty ? '\r\x1b[K' : ''}early stopping: best ${e.monitor} ${e.bestValue?.toFixed(4)} at epoch ${e.bestEpoch + 1}${e.restored ? ', best weights restored' : ''}\n`);
        break;
      default:
        break;
    }
  }

  private line(epoch: number, step: number): string {
    const elapsed = Date.now() - this.started;
    const perStep = elapsed / Math.max(step, 1);
    const sps = (this.batch * step) / Math.max(elapsed, 1) * 1000;
    return `epoch ${epoch + 1}/${this.epochs} ${bar(step / this.totalSteps)} step ${step}/${this.totalSteps}  loss ${this.loss.toFixed(4)}  ${Math.round(sps)} samples/s  ETA ${formatDuration(perStep * (this.totalSteps - step))}`;
  }
}
