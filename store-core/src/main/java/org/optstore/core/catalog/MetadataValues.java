package org.optstore.core.catalog;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.optstore.InvalidArgumentException;

/** Checks and copies user metadata: JSON values only (strings, numbers, booleans, nulls, lists, maps). */
final class MetadataValues {
  private MetadataValues() {}

  static Map<String, Object> copy(Map<String, ?> metadata, String dataset) {
    if (metadata == null) {
      return new LinkedHashMap<>();
    }
    return copyMap(metadata, "", dataset);
  }

  private static Map<String, Object> copyMap(Map<?, ?> m, String path, String dataset) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getKey() instanceof String k)) {
        throw new InvalidArgumentException("metadata of dataset '" + dataset + "' has the key "
            + e.getKey() + " at '" + path + "'; metadata keys are strings");
      }
      String p = path.isEmpty() ? k : path + "." + k;
      out.put(k, copyValue(e.getValue(), p, dataset));
    }
    return out;
  }

  private static Object copyValue(Object v, String path, String dataset) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
        || v instanceof Integer || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger || v instanceof BigDecimal) {
      return v;
    }
    if (v instanceof Double || v instanceof Float) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw new InvalidArgumentException("metadata '" + path + "' of dataset '" + dataset
            + "' is " + d + ", which JSON cannot hold; store it as a string");
      }
      return v;
    }
    if (v instanceof Map<?, ?> m) {
      return copyMap(m, path, dataset);
    }
    if (v instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      int i = 0;
      for (Object x : c) {
        out.add(copyValue(x, path + "[" + i++ + "]", dataset));
      }
      return out;
    }
    throw new InvalidArgumentException("metadata '" + path + "' of dataset '" + dataset
        + "' holds a " + v.getClass().getName() + "; use strings, numbers, booleans, nulls, "
        + "lists and maps (e.g. an instant as its ISO-8601 string)");
  }
}
