package dev.ekg.model;

import dev.ekg.nn.MovingAverage;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * One forward pass of a network: its logits, the BN moving-average updates it offers and the batch
 * statistics they use (train mode only; empty otherwise), its gated activations (empty for a plain
 * network) and the output of every node of its {@link dev.ekg.graph.LayerGraph} (masked where it is
 * a mask point; a session may be fed them to run only the nodes after a cut).
 */
public record Forward(Operand<TFloat32> logits, List<Op> bnUpdates, List<MovingAverage> batchStatistics,
    List<MaskPoint> maskPoints, List<Operand<TFloat32>> nodeOutputs) {
  public Forward {
    nodeOutputs = List.copyOf(nodeOutputs);
  }

  /** An activation a gate multiplies, after masking (reference §3 "mask points"). */
  public record MaskPoint(int gate, Operand<TFloat32> activation) {}
}
