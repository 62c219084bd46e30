package org.tensorflow;

import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewSession;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetConfig;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_SetTarget;

import java.lang.reflect.Field;
import org.bytedeco.javacpp.BytePointer;
import org.tensorflow.internal.c_api.TF_Session;
import org.tensorflow.internal.c_api.TF_SessionOptions;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.proto.ConfigProto;

/**
 * Sessions on a target such as {@code grpc://host:port}: TF Java 1.1's public constructors open
 * local sessions only (tfjava-notes §5b). It lives in TF Java's package to reach the constructor
 * that wraps a native session.
 */
public final class TargetedSessions {
  private TargetedSessions() {}

  /**
   * A session of {@code graph} on {@code target} with {@code config} that, like a local one, runs
   * the graph's initialisers before its first run (the wrapping constructor turns that off).
   */
  public static Session open(Graph graph, String target, ConfigProto config) {
    TF_Status status = TF_Status.newStatus();
    TF_SessionOptions options = TF_SessionOptions.newSessionOptions();
    TF_SetTarget(options, target);
    byte[] bytes = config.toByteArray();
    try (BytePointer serialized = new BytePointer(bytes)) {
      TF_SetConfig(options, serialized, bytes.length, status);
      status.throwExceptionIfNotOK();
    }
    TF_Session handle;
    try (Graph.Reference ref = graph.ref()) {
      handle = TF_NewSession(ref.nativeHandle(), options, status);
      status.throwExceptionIfNotOK();
    }
    Session session = new Session(graph, handle);
    try {
      Field autoInit = Session.class.getDeclaredField("autoInit");
      autoInit.setAccessible(true);
      autoInit.setBoolean(session, true);
    } catch (ReflectiveOperationException e) {
      session.close();
      throw new IllegalStateException("this TF Java has no Session.autoInit to turn on", e);
    }
    return session;
  }
}
