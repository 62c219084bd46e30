package dev.ekg.model;

import dev.ekg.nn.BnMode;
import dev.ekg.nn.VariableStore;
import dev.ekg.runtime.Cluster;
import java.util.List;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** What a training step needs of a network that lives in its own graph and session. */
public interface TrainableModel {
  Graph graph();

  /** The op builder of {@link #graph()}. */
  Ops ops();

  Session session();

  /** The input placeholder, [N, H, W, C] normalised images. */
  Placeholder<TFloat32> images();

  /** The forward pass on {@link #images()}. */
  Forward forward(BnMode mode);

  /**
   * Another forward pass of the same variables on {@code images}, its ops built with {@code tf}
   * (a replica's name scope and device).
   */
  Forward forward(Ops tf, Operand<TFloat32> images, BnMode mode);

  /**
   * The device of each replica of a training step, in replica order; one device means a single
   * replica on {@link #images()} and {@link #forward(BnMode)}.
   */
  List<DeviceSpec> replicaDevices();

  /** The workers whose replicas share each step with this model's ({@link Cluster#LOCAL} for one process). */
  Cluster cluster();

  VariableStore variables();

  int numClasses();

  /** The shape of one input example, e.g. {@code [32, 32, 3]}. */
  int[] exampleShape();
}
