package dev.ekg.runtime;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;

/** Asks the TensorFlow runtime itself whether a GPU can run ops (CPU natives, no driver: no). */
public final class Accelerators {
  private static Boolean gpuAvailable;

  private Accelerators() {}

  public static synchronized boolean gpuAvailable() {
    if (gpuAvailable == null) {
      gpuAvailable = probe();
    }
    return gpuAvailable;
  }

  /** Where graphs run: "GPU", or "CPU (oneDNN kernels)" / "CPU (Eigen kernels)" (see {@link CpuKernels}). */
  public static String processorLabel() {
    return gpuAvailable() ? "GPU" : "CPU (" + CpuKernels.active() + " kernels)";
  }

  private static boolean probe() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g).withDevice(
          DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(0).build());
      var probe = tf.math.add(tf.constant(1f), tf.constant(1f));
      try (Session s = new Session(g, ConfigProto.newBuilder().setAllowSoftPlacement(false).build())) {
        s.runner().fetch(probe).run().close();
        return true;
      }
    } catch (TensorFlowException | IllegalArgumentException e) {
      return false;
    }
  }
}
