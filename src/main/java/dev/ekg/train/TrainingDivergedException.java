package dev.ekg.train;

import dev.ekg.nn.NonFiniteException;

/** The loss became NaN or infinite: training stops, the last good checkpoint stays as it was. */
public final class TrainingDivergedException extends NonFiniteException {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
