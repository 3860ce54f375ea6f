// Nadam (Dozat 2016, "Incorporating Nesterov Momentum into Adam"): Adam whose first-moment
// term looks one step ahead. tfjs ships no Nadam. With bias corrections at step t:
//   m = b1 m + (1 - b1) g            v = b2 v + (1 - b2) g^2
//   m^ = m / (1 - b1^t)              v^ = v / (1 - b2^t)
//   w -= lr * (b1 m^ + (1 - b1) g / (1 - b1^t)) / (sqrt(v^) + eps)
// (the form without Keras' momentum-decay schedule, as in Geron's Hands-On ML and PyTorch's
// NAdam with momentum_decay = 0).
import * as tf from '@tensorflow/tfjs';

type NamedTensor = { name: string; tensor: tf.Tensor };

export class NadamOptimizer extends tf.Optimizer {
  static className = 'Nadam';
  private slots = new Map<string, { m: tf.Variable; v: tf.Variable }>();
  private t = 0;

  constructor(public learningRate: number, readonly beta1 = 0.9, readonly beta2 = 0.999, readonly epsilon = 1e-7) {
    super();
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const pairs: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    const lr = this.learningRate;
    for (const [name, g] of pairs) {
      if (g == null) continue;
      const w = tf.engine().registeredVariables[name];
      let s = this.slots.get(name);
      if (!s) {
        s = tf.tidy(() => ({ m: tf.zerosLike(w).variable(false), v: tf.zerosLike(w).variable(false) }));
        this.slots.set(name, s);
      }
      const { m, v } = s;
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        const lookahead = tf.add(tf.mul(m1, b1 / c1), tf.mul(g, (1 - b1) / c1));
        const denom = tf.add(tf.sqrt(tf.div(v1, c2)), eps);
        w.assign(tf.sub(w, tf.mul(tf.div(lookahead, denom), lr)));
        m.assign(m1);
        v.assign(v1);
      });
    }
    this.incrementIterations();
  }

  override dispose() {
    for (const { m, v } of this.slots.values()) tf.dispose([m, v]);
    this.slots.clear();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, { m, v }] of this.slots) out.push({ name: `${name}/m`, tensor: m }, { name: `${name}/v`, tensor: v });
    return out;
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    this.t = this.iterations;
    this.dispose();
    for (let i = 0; i + 1 < rest.length; i += 2) {
      const name = rest[i].name.replace(/\/m$/, '');
      this.slots.set(name, { m: rest[i].tensor.variable(false), v: rest[i + 1].tensor.variable(false) });
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config.learningRate, config.beta1, config.beta2, config.epsilon);
  }
}
tf.serialization.registerClass(NadamOptimizer);
