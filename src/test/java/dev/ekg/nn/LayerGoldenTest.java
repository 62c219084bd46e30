package dev.ekg.nn;

import static dev.ekg.Goldens.assertClose;
import static dev.ekg.Goldens.npy;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Layers against the oracle's goldens (relative error ≤ 1e-5). */
class LayerGoldenTest {
  private static final double TOLERANCE = 1e-5;

  private Graph graph;
  private Ops tf;
  private VariableStore store;
  private final Map<String, FloatArray> assignments = new LinkedHashMap<>();

  @BeforeEach
  void setUp() {
    graph = new Graph();
    tf = Ops.create(graph);
    store = new VariableStore(tf, 1);
  }

  @AfterEach
  void tearDown() {
    graph.close();
  }

  private Gate gate(String name, FloatArray mask) {
    Gate g = new Gate(store, assignments.size(), name, mask.size());
    assignments.put(g.maskVariable().key(), mask);
    return g;
  }

  private Operand<TFloat32> constant(FloatArray a) {
    return tf.constant(TensorArrays.toNdArray(a));
  }

  private List<FloatArray> run(List<Operand<TFloat32>> fetches, List<Op> targets) {
    try (Session s = new Session(graph)) {
      store.assign(s, assignments);
      Session.Runner runner = s.runner();
      fetches.forEach(runner::fetch);
      targets.forEach(runner::addTarget);
      List<FloatArray> out = new ArrayList<>();
      try (Result r = runner.run()) {
        for (int i = 0; i < fetches.size(); i++) {
          out.add(TensorArrays.toArray((TFloat32) r.get(i)));
        }
      }
      return out;
    }
  }

  private MaskedConv2d conv(String name, int stride, Gate in, Gate out) {
    FloatArray kernel = npy("masked_conv/kernel.npy");
    MaskedConv2d conv =
        new MaskedConv2d(store, name, 3, stride, kernel.dim(2), kernel.dim(3), in, out, Initializer.constant(0f));
    assignments.put(conv.kernel().key(), kernel);
    return conv;
  }

  @Test
  void maskedConvolutionRescalesToTheOriginalNormAndPadsBottomRight() {
    Gate in = gate("in", npy("masked_conv/in_mask.npy"));
    Gate out = gate("out", npy("masked_conv/out_mask.npy"));
    Operand<TFloat32> x = constant(npy("masked_conv/x.npy"));
    MaskedConv2d both = conv("both", 1, in, out);
    MaskedConv2d both2 = conv("both2", 2, in, out);
    MaskedConv2d inOnly = conv("inonly", 1, in, null);
    MaskedConv2d plain = conv("plain", 1, null, null);
    List<FloatArray> y =
        run(List.of(both.effectiveKernel(), both.apply(tf, x), both2.apply(tf, x), inOnly.apply(tf, x),
            plain.apply(tf, x)), List.of());
    assertClose(npy("masked_conv/kernel_effective_both.npy"), y.get(0), TOLERANCE);
    assertClose(npy("masked_conv/y_s1_both.npy"), y.get(1), TOLERANCE);
    assertClose(npy("masked_conv/y_s2_both.npy"), y.get(2), TOLERANCE);
    assertClose(npy("masked_conv/y_s1_in.npy"), y.get(3), TOLERANCE);
    assertClose(npy("masked_conv/y_s1_none.npy"), y.get(4), TOLERANCE);
  }

  @Test
  void maskedDepthwiseConvolution() {
    Gate in = gate("in", npy("masked_conv/dw_in_mask.npy"));
    FloatArray kernel = npy("masked_conv/dw_kernel.npy");
    Operand<TFloat32> x = constant(npy("masked_conv/dw_x.npy"));
    MaskedDepthwiseConv2d s1 = new MaskedDepthwiseConv2d(store, "dw1", 3, 1, 6, 2, in, Initializer.constant(0f));
    MaskedDepthwiseConv2d s2 = new MaskedDepthwiseConv2d(store, "dw2", 3, 2, 6, 2, in, Initializer.constant(0f));
    assignments.put(s1.kernel().key(), kernel);
    assignments.put(s2.kernel().key(), kernel);
    List<FloatArray> y = run(List.of(s1.apply(tf, x), s2.apply(tf, x)), List.of());
    assertClose(npy("masked_conv/dw_y_s1.npy"), y.get(0), TOLERANCE);
    assertClose(npy("masked_conv/dw_y_s2.npy"), y.get(1), TOLERANCE);
  }

  @Test
  void maskedDense() {
    Gate in = gate("in", npy("masked_conv/fc_in_mask.npy"));
    Dense fc = new Dense(store, "fc", 6, 3, in, Initializer.constant(0f));
    assignments.put(fc.kernel().key(), npy("masked_conv/fc_kernel.npy"));
    assignments.put(fc.bias().key(), npy("masked_conv/fc_bias.npy"));
    List<FloatArray> y = run(List.of(fc.apply(tf, constant(npy("masked_conv/fc_x.npy")))), List.of());
    assertClose(npy("masked_conv/fc_y.npy"), y.get(0), TOLERANCE);
  }

  @Test
  void batchNormInBothModesWithTheBiasedVarianceMovingAverage() {
    BatchNorm bn = new BatchNorm(store, "bn", 3, Activation.LINEAR, 1f);
    assignments.put(bn.gamma().key(), npy("batch_norm/gamma.npy"));
    assignments.put(bn.beta().key(), npy("batch_norm/beta.npy"));
    assignments.put(bn.movingMean().key(), npy("batch_norm/moving_mean.npy"));
    assignments.put(bn.movingVariance().key(), npy("batch_norm/moving_variance.npy"));
    Operand<TFloat32> x = constant(npy("batch_norm/x.npy"));
    List<MovingAverage> statistics = new ArrayList<>();
    Operand<TFloat32> train = bn.apply(tf, x, BnMode.TRAIN, statistics);
    Operand<TFloat32> inference = bn.apply(tf, x, BnMode.INFERENCE, new ArrayList<>());
    assertEquals(2, statistics.size());
    List<Op> updates = statistics.stream().map(m -> m.update(tf)).toList();
    try (Session s = new Session(graph)) {
      store.assign(s, assignments);
      try (Result r = s.runner().fetch(train).fetch(inference).run()) {
        assertClose(npy("batch_norm/y_train.npy"), TensorArrays.toArray((TFloat32) r.get(0)), TOLERANCE);
        assertClose(npy("batch_norm/y_inference.npy"), TensorArrays.toArray((TFloat32) r.get(1)), TOLERANCE);
      }
      Session.Runner update = s.runner();
      updates.forEach(update::addTarget);
      update.run();
      Map<String, FloatArray> moving =
          VariableStore.read(s, List.of(bn.movingMean(), bn.movingVariance()));
      assertClose(npy("batch_norm/new_moving_mean.npy"), moving.get("bn/moving_mean"), TOLERANCE);
      assertClose(npy("batch_norm/new_moving_variance.npy"), moving.get("bn/moving_variance"), TOLERANCE);
    }
  }
}
