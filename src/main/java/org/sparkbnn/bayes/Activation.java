package org.sparkbnn.bayes;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Hidden-layer non-linearity h = f(a) and its backward pass dL/da = dL/dh * f'(a). */
public enum Activation {
  RELU {
    @Override INDArray apply(INDArray a) { return Transforms.relu(a, true); }
    @Override INDArray backward(INDArray gradH, INDArray h) {
      // f'(a) = 1[a > 0] = 1[h > 0]
      return gradH.muli(h.gt(0.0).castTo(h.dataType()));
    }
  },
  TANH {
    @Override INDArray apply(INDArray a) { return Transforms.tanh(a, true); }
    @Override INDArray backward(INDArray gradH, INDArray h) {
      // f'(a) = 1 - tanh(a)^2
      return gradH.muli(h.mul(h).rsubi(1.0));
    }
  };

  /** h = f(a); returns a new array, a is left untouched. */
  abstract INDArray apply(INDArray a);

  /** dL/da from dL/dh (overwritten in place) and h = f(a). */
  abstract INDArray backward(INDArray gradH, INDArray h);

  public static Activation parse(String name) {
    for (Activation a : values()) {
      if (a.name().equalsIgnoreCase(name)) return a;
    }
    throw new IllegalArgumentException("activation must be one of relu, tanh; got '" + name + "'");
  }
}
