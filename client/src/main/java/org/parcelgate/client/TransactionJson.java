package org.parcelgate.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.parcelgate.schema.AvroTrust;
import org.parcelgate.schema.Transaction;

/**
 * Transactions as plain JSON, for integrators who do not write Avro themselves: the fields of the
 * {@code Transaction} schema by name (docs/data-model.md), optional fields left out or {@code
 * null}, enums as their symbols, timestamps as ISO-8601 text (or epoch milliseconds), amounts as
 * whole numbers of minor units. A file holds an array of transactions, or an object with a {@code
 * transactions} array.
 *
 * <p>Reading is strict: an unknown field, a missing required one or a value of the wrong type is an
 * error naming the field's path ({@code transactions[2].seller.country}), never its value.
 */
public final class TransactionJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Schema SCHEMA = Transaction.getClassSchema();

  private TransactionJson() {}

  /** Where and why a document is not JSON: "line 3, column 7: ...", without the document. */
  static String syntaxError(JsonProcessingException e) {
    var where = e.getLocation();
    String reason = e.getOriginalMessage();
    // Jackson's reasons end with hints about its own source description; the first line is the
    // reason.
    int end = reason == null ? -1 : reason.indexOf('\n');
    reason = reason == null ? "malformed" : end < 0 ? reason : reason.substring(0, end);
    return where == null
        ? "the file is not JSON: " + reason
        : "the file is not JSON: line "
            + where.getLineNr()
            + ", column "
            + where.getColumnNr()
            + ": "
            + reason;
  }

  /**
   * The transactions of a JSON document.
   *
   * @throws InvalidTransactionException naming the first field that is wrong
   */
  public static List<Transaction> read(InputStream json) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidTransactionException(syntaxError(e));
    }
    JsonNode array = root != null && root.isObject() ? root.get("transactions") : root;
    if (array == null || !array.isArray()) {
      throw new InvalidTransactionException(
          "expected an array of transactions or {\"transactions\": [...]}");
    }
    AvroTrust.install();
    List<Transaction> transactions = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      transactions.add((Transaction) convert(SCHEMA, array.get(i), "transactions[" + i + "]"));
    }
    return transactions;
  }

  /**
   * The transactions as a JSON document {@code {"transactions": [...]}}, readable by {@link #read}.
   */
  public static String write(List<Transaction> transactions) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ArrayNode array = root.putArray("transactions");
    for (Transaction transaction : transactions) {
      array.add(toJson(SCHEMA, transaction));
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  private static Object convert(Schema schema, JsonNode node, String path) {
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case RECORD:
        return record(schema, node, path);
      case UNION:
        if (node == null || node.isNull()) {
          if (schema.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL)) {
            return null;
          }
          throw new InvalidTransactionException(path + " is required");
        }
        for (Schema branch : schema.getTypes()) {
          if (branch.getType() != Schema.Type.NULL) {
            return convert(branch, node, path);
          }
        }
        throw new InvalidTransactionException(path + " must be null");
      case ARRAY:
        if (node == null || !node.isArray()) {
          throw wrong(path, "an array");
        }
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
          items.add(convert(schema.getElementType(), node.get(i), path + "[" + i + "]"));
        }
        return items;
      case ENUM:
        if (node == null || !node.isTextual() || !schema.getEnumSymbols().contains(node.asText())) {
          throw wrong(path, "one of " + String.join(", ", schema.getEnumSymbols()));
        }
        return SpecificData.get().createEnum(node.asText(), schema);
      case STRING:
        if (node == null || !node.isTextual()) {
          throw wrong(path, "text");
        }
        return node.asText();
      case BOOLEAN:
        if (node == null || !node.isBoolean()) {
          throw wrong(path, "true or false");
        }
        return node.asBoolean();
      case INT:
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt()) {
          throw wrong(path, "a whole number");
        }
        return node.asInt();
      case LONG:
        if (logical instanceof LogicalTypes.TimestampMillis) {
          return instant(node, path);
        }
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong()) {
          throw wrong(path, "a whole number");
        }
        return node.asLong();
      default:
        throw new IllegalStateException("the schema has a " + schema.getType() + " field: " + path);
    }
  }

  private static Object record(Schema schema, JsonNode node, String path) {
    if (node == null || !node.isObject()) {
      throw wrong(path, "an object");
    }
    Set<String> known = new HashSet<>();
    schema.getFields().forEach(field -> known.add(field.name()));
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new InvalidTransactionException(
            path + "." + name + " is not a field of " + schema.getName());
      }
    }
    SpecificRecord record = (SpecificRecord) SpecificData.get().newRecord(null, schema);
    for (Schema.Field field : schema.getFields()) {
      JsonNode value = node.get(field.name());
      // Left out takes the schema's default; an explicit null must be allowed by the type.
      if (value == null && field.hasDefaultValue()) {
        record.put(field.pos(), SpecificData.get().getDefaultValue(field));
      } else {
        record.put(field.pos(), convert(field.schema(), value, path + "." + field.name()));
      }
    }
    return record;
  }

  private static Instant instant(JsonNode node, String path) {
    if (node != null && node.isIntegralNumber()) {
      return Instant.ofEpochMilli(node.asLong());
    }
    if (node != null && node.isTextual()) {
      try {
        return Instant.parse(node.asText());
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    throw wrong(path, "an ISO-8601 instant such as 2026-11-28T10:15:30Z");
  }

  private static JsonNode toJson(Schema schema, Object value) {
    JsonNodeFactory json = JsonNodeFactory.instance;
    if (value == null) {
      return json.nullNode();
    }
    switch (schema.getType()) {
      case RECORD:
        ObjectNode object = json.objectNode();
        SpecificRecord record = (SpecificRecord) value;
        for (Schema.Field field : schema.getFields()) {
          Object fieldValue = record.get(field.pos());
          if (fieldValue != null) {
            object.set(field.name(), toJson(field.schema(), fieldValue));
          }
        }
        return object;
      case UNION:
        return toJson(schema.getTypes().get(SpecificData.get().resolveUnion(schema, value)), value);
      case ARRAY:
        ArrayNode array = json.arrayNode();
        for (Object item : (List<?>) value) {
          array.add(toJson(schema.getElementType(), item));
        }
        return array;
      case BOOLEAN:
        return json.booleanNode((Boolean) value);
      case INT:
        return json.numberNode((Integer) value);
      case LONG:
        return value instanceof Instant instant
            ? json.textNode(instant.toString())
            : json.numberNode((Long) value);
      default:
        return json.textNode(value.toString());
    }
  }

  private static InvalidTransactionException wrong(String path, String expected) {
    return new InvalidTransactionException(path + " must be " + expected);
  }

  /** A JSON document that does not hold valid transactions; the message names the field. */
  public static final class InvalidTransactionException extends ClientException {
    private static final long serialVersionUID = 1L;

    public InvalidTransactionException(String message) {
      super(message);
    }
  }
}
