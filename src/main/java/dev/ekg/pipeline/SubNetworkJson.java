package dev.ekg.pipeline;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.ekg.prune.SearchWidth;
import dev.ekg.prune.SubNetwork;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The JSON form of a {@link SubNetwork} in {@code search_history.json} and {@code search_state.json}:
 * {@code widths} as plain numbers (shortest decimal that reads back as the same double),
 * {@code numpyFloat64Gates} the gates whose width the reference holds as a NumPy {@code float64}
 * ({@link SearchWidth#numpyFloat64()}: it rounds the next decrement differently), then
 * {@code orders} and {@code valLoss}. Files written before this form, with one
 * {@code {"value", "numpyFloat64"}} object per width, are read too.
 */
final class SubNetworkJson {
  private static final String WIDTHS = "widths";
  private static final String NUMPY_GATES = "numpyFloat64Gates";
  private static final String ORDERS = "orders";
  private static final String VAL_LOSS = "valLoss";

  private SubNetworkJson() {}

  /** A mapper that writes and reads sub-networks in this form. */
  static ObjectMapper mapper() {
    return new ObjectMapper().registerModule(new SimpleModule()
        .addSerializer(SubNetwork.class, new Writer())
        .addDeserializer(SubNetwork.class, new Reader()));
  }

  private static final class Writer extends JsonSerializer<SubNetwork> {
    @Override
    public void serialize(SubNetwork n, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeStartObject();
      gen.writeArrayFieldStart(WIDTHS);
      for (SearchWidth w : n.widths()) {
        gen.writeNumber(w.value());
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(NUMPY_GATES);
      for (int g = 0; g < n.widths().length; g++) {
        if (n.widths()[g].numpyFloat64()) {
          gen.writeNumber(g);
        }
      }
      gen.writeEndArray();
      gen.writeArrayFieldStart(ORDERS);
      for (int[] order : n.orders()) {
        gen.writeArray(order, 0, order.length);
      }
      gen.writeEndArray();
      gen.writeNumberField(VAL_LOSS, n.valLoss());
      gen.writeEndObject();
    }
  }

  private static final class Reader extends JsonDeserializer<SubNetwork> {
    @Override
    public SubNetwork deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonNode node = p.readValueAsTree();
      JsonNode widths = required(node, WIDTHS, p);
      Set<Integer> numpy = new HashSet<>();
      for (JsonNode g : node.path(NUMPY_GATES)) {
        numpy.add(g.intValue());
      }
      SearchWidth[] parsed = new SearchWidth[widths.size()];
      for (int g = 0; g < parsed.length; g++) {
        JsonNode w = widths.get(g);
        if (w.isNumber()) {
          parsed[g] = new SearchWidth(w.doubleValue(), numpy.contains(g));
        } else if (w.isObject()) {
          parsed[g] = new SearchWidth(required(w, "value", p).doubleValue(), w.path("numpyFloat64").booleanValue());
        } else {
          throw JsonMappingException.from(p, "width " + g + " of a sub-network is " + w + ", expected a number");
        }
      }
      JsonNode orders = required(node, ORDERS, p);
      int[][] parsedOrders = new int[orders.size()][];
      for (int g = 0; g < parsedOrders.length; g++) {
        JsonNode order = orders.get(g);
        parsedOrders[g] = new int[order.size()];
        for (int c = 0; c < order.size(); c++) {
          parsedOrders[g][c] = order.get(c).intValue();
        }
      }
      return new SubNetwork(parsed, parsedOrders, required(node, VAL_LOSS, p).doubleValue());
    }

    private static JsonNode required(JsonNode node, String field, JsonParser p) throws JsonMappingException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        throw JsonMappingException.from(p, "a sub-network without \"" + field + "\"");
      }
      return value;
    }
  }
}
