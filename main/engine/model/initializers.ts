// Spec initialiser names to tfjs initialisers, seeded per variable so a run repeats.
import * as tf from '@tensorflow/tfjs';
export type Initializer = ReturnType<typeof tf.initializers.zeros>;
import type { InitializerSpec } from '../../../shared/spec.ts';

export function makeInitializer(spec: InitializerSpec, seed: number): Initializer {
  if (typeof spec === 'object') {
    return spec.type === 'constant'
      ? tf.initializers.constant({ value: spec.value })
      : tf.initializers.randomNormal({ mean: spec.mean, stddev: spec.stddev, seed });
  }
  switch (spec) {
    case 'glorot_normal': return tf.initializers.glorotNormal({ seed });
    case 'glorot_uniform': return tf.initializers.glorotUniform({ seed });
    case 'he_normal': return tf.initializers.heNormal({ seed });
    case 'he_uniform': return tf.initializers.heUniform({ seed });
    case 'lecun_normal': return tf.initializers.leCunNormal({ seed });
    case 'lecun_uniform': return tf.initializers.leCunUniform({ seed });
    case 'zeros': return tf.initializers.zeros();
    case 'ones': return tf.initializers.ones();
  }
}

export function initializerName(spec: InitializerSpec): string {
  if (typeof spec === 'string') return spec;
  return spec.type === 'constant' ? `constant(${spec.value})` : `random_normal(${spec.mean}, ${spec.stddev})`;
}
