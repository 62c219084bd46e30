package dev.ekg.nn;

import dev.ekg.io.FloatArray;
import dev.ekg.io.TensorArrays;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssignVariableOp;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;

/**
 * Creates a graph's resource variables under slash-separated keys and moves their values between
 * the host and a session. Variables are listed in creation order.
 */
public final class VariableStore {
  private final Ops root;
  private final long seed;
  private final Map<String, Ops> scopes = new HashMap<>();
  private final Map<String, ModelVariable> variables = new LinkedHashMap<>();

  /** {@code seed} makes random initial values reproducible; each key derives its own stream. */
  public VariableStore(Ops root, long seed) {
    this.root = root;
    this.seed = seed;
  }

  /**
   * Creates the variable {@code key} (e.g. {@code BasicBlock0.0/conv1/kernel}) with its initial
   * value and a fed assignment for host loading.
   */
  public ModelVariable create(String key, int[] shape, VariableKind kind, Initializer init) {
    if (variables.containsKey(key)) {
      throw new IllegalStateException("variable " + key + " already exists");
    }
    int slash = key.lastIndexOf('/');
    Ops scope = slash < 0 ? root : scope(key.substring(0, slash));
    String name = key.substring(slash + 1);
    Ops initScope = scope.withInitScope();
    var handle =
        initScope
            .withName(name)
            .varHandleOp(TFloat32.class, TensorArrays.shapeOf(shape), VarHandleOp.sharedName(key));
    // TF treats seed 0 as "unseeded", so force the lowest bit
    long variableSeed = (seed * 1_000_003L + key.hashCode()) | 1L;
    AssignVariableOp initializer =
        initScope.withName(name + "_init").assignVariableOp(handle, init.build(initScope, shape, variableSeed));
    Operand<TFloat32> value = scope.withName(name + "_read").readVariableOp(handle, TFloat32.class);
    Placeholder<TFloat32> feed =
        scope
            .withName(name + "_feed")
            .placeholder(TFloat32.class, Placeholder.shape(TensorArrays.shapeOf(shape)));
    AssignVariableOp assign = scope.withName(name + "_assign").assignVariableOp(handle, feed);
    ModelVariable variable = new ModelVariable(key, shape.clone(), kind, handle, initializer, value, feed, assign);
    variables.put(key, variable);
    return variable;
  }

  /** The cached sub-scope for a slash path: TF Java renames a scope on every new request. */
  public Ops scope(String path) {
    Ops cached = scopes.get(path);
    if (cached != null) {
      return cached;
    }
    int slash = path.lastIndexOf('/');
    Ops parent = slash < 0 ? root : scope(path.substring(0, slash));
    Ops created = parent.withSubScope(path.substring(slash + 1));
    scopes.put(path, created);
    return created;
  }

  public ModelVariable get(String key) {
    ModelVariable v = variables.get(key);
    if (v == null) {
      throw new IllegalArgumentException("no variable " + key);
    }
    return v;
  }

  public List<ModelVariable> of(VariableKind first, VariableKind... rest) {
    Set<VariableKind> kinds = EnumSet.of(first, rest);
    List<ModelVariable> out = new ArrayList<>();
    for (ModelVariable v : variables.values()) {
      if (kinds.contains(v.kind())) {
        out.add(v);
      }
    }
    return out;
  }

  /** The weights (trainable variables and moving statistics), keyed as in checkpoints. */
  public List<ModelVariable> weights() {
    return of(VariableKind.TRAINABLE, VariableKind.MOVING_STATISTIC);
  }

  /**
   * Assigns host arrays to the variables of the same keys in one session run. Every key must name
   * a variable and match its shape exactly.
   */
  public void assign(Session session, Map<String, FloatArray> values) {
    List<Tensor> fed = new ArrayList<>();
    try {
      Session.Runner runner = session.runner();
      for (Map.Entry<String, FloatArray> e : values.entrySet()) {
        ModelVariable v = get(e.getKey());
        FloatArray array = e.getValue();
        if (!Arrays.equals(v.shape(), array.shape())) {
          throw new IllegalArgumentException(
              e.getKey() + ": shape " + array.shapeString() + " does not fit variable shape "
                  + Arrays.toString(v.shape()));
        }
        TFloat32 t = TensorArrays.toTensor(array);
        fed.add(t);
        runner.feed(v.feed(), t).addTarget(v.assignFromFeed());
      }
      runner.run();
    } finally {
      fed.forEach(Tensor::close);
    }
  }

  /** Fetches the current values of {@code vars} in one session run, keyed by variable key. */
  public static LinkedHashMap<String, FloatArray> read(Session session, List<ModelVariable> vars) {
    LinkedHashMap<String, FloatArray> out = new LinkedHashMap<>();
    if (vars.isEmpty()) {
      return out;
    }
    Session.Runner runner = session.runner();
    vars.forEach(v -> runner.fetch(v.value()));
    try (Result result = runner.run()) {
      for (int i = 0; i < vars.size(); i++) {
        out.put(vars.get(i).key(), TensorArrays.toArray((TFloat32) result.get(i)));
      }
    }
    return out;
  }
}
