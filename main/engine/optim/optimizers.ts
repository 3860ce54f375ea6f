// Spec optimisers to tfjs optimisers, and one way to change the learning rate of any of them
// between steps (schedules need it; tfjs has no common setter).
import * as tf from '@tensorflow/tfjs';
import type { OptimizerSpec } from '../../../shared/spec.ts';
import { NadamOptimizer } from './nadam.ts';

export function makeOptimizer(o: OptimizerSpec): tf.Optimizer {
  switch (o.type) {
    case 'sgd': return tf.train.sgd(o.learningRate);
    case 'momentum': return tf.train.momentum(o.learningRate, o.momentum, false);
    case 'nesterov': return tf.train.momentum(o.learningRate, o.momentum, true);
    case 'adagrad': return tf.train.adagrad(o.learningRate, o.initialAccumulator);
    case 'rmsprop': return tf.train.rmsprop(o.learningRate, o.rho, o.momentum, o.epsilon);
    case 'adam': return tf.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
    case 'adamax': return tf.train.adamax(o.learningRate, o.beta1, o.beta2, o.epsilon);
    case 'nadam': return new NadamOptimizer(o.learningRate, o.beta1, o.beta2, o.epsilon);
  }
}

/** SGD and momentum cache -lr as a scalar (setLearningRate); the others read `learningRate` per step. */
export function setLearningRate(opt: tf.Optimizer, lr: number) {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (o.learningRate === lr) return;
  if (typeof o.setLearningRate === 'function') {
    // SGDOptimizer keeps the old scalar alive; release it before replacing it.
    const c = (opt as unknown as { c?: tf.Tensor }).c;
    o.setLearningRate(lr);
    if (c && c !== (opt as unknown as { c?: tf.Tensor }).c) c.dispose();
  } else {
    o.learningRate = lr;
  }
}

/**
 * Releases an optimiser's tensors. tfjs 4.22's MomentumOptimizer.dispose (momentum, nesterov)
 * forgets the -lr scalar it inherits from SGD: one tensor leaked per run without this.
 */
export function disposeOptimizer(opt: tf.Optimizer) {
  const c = (opt as unknown as { c?: tf.Tensor }).c;
  opt.dispose();
  if (c && !c.isDisposed) c.dispose();
}
