package dev.ekg.model;

import dev.ekg.nn.MovingAverage;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.types.TFloat32;

/**
 * One forward pass of a network: its logits, the BN moving-average updates it offers and the batch
 * statistics they use (train mode only; empty otherwise), and its gated activations (empty for a
 * plain network).
 */
public record Forward(
    Operand<TFloat32> logits, List<Op> bnUpdates, List<MovingAverage> batchStatistics, List<MaskPoint> maskPoints) {
  /** An activation a gate multiplies, after masking (reference §3 "mask points"). */
  public record MaskPoint(int gate, Operand<TFloat32> activation) {}
}
