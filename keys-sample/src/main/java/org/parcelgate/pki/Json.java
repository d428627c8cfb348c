package org.parcelgate.pki;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON of the sample's files: a small pretty printer that keeps the insertion order of maps (so
 * files read in a fixed, reviewable order) and prints lists of plain values on one line. Parsing is
 * left to Nimbus.
 */
final class Json {
  /** The order of JWK members in written files; any others follow alphabetically. */
  private static final List<String> JWK_MEMBER_ORDER =
      List.of(
          "kty", "kid", "use", "alg", "crv", "x", "y", "n", "e", "d", "p", "q", "dp", "dq", "qi");

  private Json() {}

  /** Parses a JSON object. */
  static Map<String, Object> parse(String json) {
    try {
      return JSONObjectUtils.parse(json);
    } catch (ParseException e) {
      throw new PkiException("not a JSON object: " + e.getMessage(), e);
    }
  }

  /**
   * The value (maps, lists, strings, numbers, booleans, null) as indented JSON ending in a newline.
   */
  static String pretty(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, "");
    return out.append('\n').toString();
  }

  /** A JSON object of alternating names and values, kept in that order. */
  static Map<String, Object> object(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values come in pairs");
    }
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      object.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return object;
  }

  /** The members of a JWK in a fixed order. */
  static Map<String, Object> ordered(JWK jwk) {
    Map<String, Object> members = new TreeMap<>(jwk.toJSONObject());
    Map<String, Object> ordered = new LinkedHashMap<>();
    JWK_MEMBER_ORDER.stream()
        .filter(members::containsKey)
        .forEach(name -> ordered.put(name, members.remove(name)));
    ordered.putAll(members);
    return ordered;
  }

  /** A JWK set object {@code {"keys": [...]}} of the given keys, in order. */
  static Map<String, Object> jwkSet(List<JWK> keys) {
    return Map.of("keys", keys.stream().map(Json::ordered).toList());
  }

  private static void write(StringBuilder out, Object value, String indent) {
    if (value instanceof Map<?, ?> map) {
      writeObject(out, map, indent);
    } else if (value instanceof List<?> list) {
      writeArray(out, list, indent);
    } else if (value instanceof String text) {
      quote(out, text);
    } else if (value == null || value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void writeObject(StringBuilder out, Map<?, ?> map, String indent) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    String inner = indent + "  ";
    out.append("{\n");
    String separator = "";
    for (Map.Entry<?, ?> member : map.entrySet()) {
      out.append(separator).append(inner);
      quote(out, String.valueOf(member.getKey()));
      out.append(": ");
      write(out, member.getValue(), inner);
      separator = ",\n";
    }
    out.append('\n').append(indent).append('}');
  }

  private static void writeArray(StringBuilder out, List<?> list, String indent) {
    boolean flat = list.stream().noneMatch(item -> item instanceof Map || item instanceof List);
    String inner = indent + "  ";
    out.append(flat ? "[" : "[\n");
    String separator = "";
    for (Object item : list) {
      out.append(separator);
      if (!flat) {
        out.append(inner);
      }
      write(out, item, inner);
      separator = flat ? ", " : ",\n";
    }
    out.append(flat ? "]" : "\n" + indent + "]");
  }

  private static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
