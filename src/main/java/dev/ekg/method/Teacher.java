package dev.ekg.method;

import dev.ekg.criteria.CliNames;

/** The {@code --teacher} choices: whose logits fill the memory bank fine-tuning distils from. */
public enum Teacher {
  /** The interim sub-networks of the EKG search (reference §6.7); EKG only. */
  ENSEMBLE,
  /** The unpruned network itself: knowledge distillation from the original. */
  ORIGINAL;

  public static Teacher parse(String text) {
    return CliNames.parse(Teacher.class, "--teacher", text);
  }

  public String cliName() {
    return CliNames.of(this);
  }

  /** EKG distils from its ensemble, every other method from the original network. */
  public static Teacher defaultFor(PruningMethod method) {
    return method == PruningMethod.EKG ? ENSEMBLE : ORIGINAL;
  }
}
