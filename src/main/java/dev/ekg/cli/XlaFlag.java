package dev.ekg.cli;

import dev.ekg.runtime.Accelerators;

/**
 * The {@code --[no-]compile} default: XLA where it pays (a GPU), the oneDNN kernels on CPU, where
 * XLA-compiled steps are 2–3× slower (see the README's benchmark).
 */
final class XlaFlag {
  static final String DESCRIPTION =
      "XLA-compile the graph (default: on with a GPU, off on CPU where XLA is slower; the reference always compiles)";

  private XlaFlag() {}

  static boolean resolve(Boolean flag) {
    return flag != null ? flag : Accelerators.gpuAvailable();
  }
}
