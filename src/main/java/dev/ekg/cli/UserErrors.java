package dev.ekg.cli;

import dev.ekg.nn.NonFiniteException;
import dev.ekg.pipeline.StopRequest;
import dev.ekg.train.TrainingDivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns the errors a user can cause (bad files, shapes, flag values) into one clear line on stderr
 * and exit code 2, a diverged training run or any other NaN or infinity into exit code 3, a stop
 * by signal into 128 + its number; anything else is a bug and keeps its stack trace. With
 * {@code EKG_DEBUG=1} in the environment the user errors print their stack trace too.
 */
final class UserErrors implements IExecutionExceptionHandler {
  static final int USER_ERROR = 2;
  static final int NON_FINITE = 3;
  static final String DEBUG_VARIABLE = "EKG_DEBUG";

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) throws Exception {
    Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
    int code;
    if (cause instanceof StopRequest.Stopped stopped) {
      cmd.getErr().println(cmd.getCommandName() + ": " + stopped.getMessage());
      code = stopped.exitCode();
    } else if (cause instanceof TrainingDivergedException) {
      cmd.getErr().println(cmd.getCommandName() + ": diverged: " + cause.getMessage());
      code = NON_FINITE;
    } else if (cause instanceof NonFiniteException) {
      cmd.getErr().println(cmd.getCommandName() + ": non-finite values: " + cause.getMessage());
      code = NON_FINITE;
    } else if (cause instanceof IOException || cause instanceof IllegalArgumentException) {
      cmd.getErr().println(cmd.getCommandName() + ": error: " + cause.getMessage());
      code = USER_ERROR;
    } else {
      throw e;
    }
    if ("1".equals(System.getenv(DEBUG_VARIABLE))) {
      cause.printStackTrace(cmd.getErr());
    }
    cmd.getErr().flush();
    return code;
  }
}
