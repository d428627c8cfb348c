package org.parcelgate.privacy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.parcelgate.avro.ContainerWriter;
import org.parcelgate.ingest.WriterSchemas;

/**
 * One recipient's minimization: a policy compiled against the transaction schema, with the
 * recipient's pseudonym key. It turns accepted transactions into minimized records of a schema
 * derived from the policy (a field the policy drops is not in it at all), and counts, per field
 * path, how many values each action touched.
 *
 * <p>Compiling checks the policy against the schema, so a mismatch stops the gateway at start: a
 * rule for a path the schema does not have, or an action the field's type cannot take (a pseudonym
 * of a number, the month of a text). Every leaf the policy does not name is dropped.
 *
 * <p>Thread-safe and immutable once compiled.
 */
public final class Minimizer {
  /** The namespace of minimized record schemas. */
  public static final String NAMESPACE = "org.parcelgate.minimized";

  private final String recipient;
  private final MinimizationPolicy policy;
  private final Pseudonymizer pseudonyms;
  private final FreeTextScanner scanner = new FreeTextScanner();
  private final List<FieldRule> leaves = new ArrayList<>();
  private final Node root;
  private final Schema output;
  private final String outputFingerprint;
  private final ContainerWriter<GenericRecord> containers;

  /** How many values of one field path one action touched. */
  public record FieldCount(String path, PolicyAction action, long values) {}

  /**
   * The minimized records of one batch for this recipient, and what was done.
   *
   * @param freeText how many values of each kind were masked in free text
   */
  public record Minimized(
      List<GenericRecord> records,
      List<FieldCount> fields,
      Map<FreeTextScanner.Kind, Integer> freeText) {}

  private Minimizer(
      String recipient, MinimizationPolicy policy, Pseudonymizer pseudonyms, Schema input) {
    this.recipient = recipient;
    this.policy = policy;
    this.pseudonyms = pseudonyms;
    Set<String> unused = new LinkedHashSet<>(policy.rules().keySet());
    Built built = build(input, "", unused);
    if (!unused.isEmpty()) {
      throw new PolicyException(
          "policy "
              + policy.id()
              + " names fields the transaction schema does not have: "
              + String.join(", ", unused));
    }
    if (built.schema == null) {
      throw new PolicyException("policy " + policy.id() + " keeps no field at all");
    }
    this.root = built.node;
    this.output = built.schema;
    this.outputFingerprint = WriterSchemas.fingerprint(output);
    this.containers = ContainerWriter.generic(output);
  }

  /**
   * Compiles {@code policy} against {@code input} (the transaction reader schema) for one
   * recipient.
   *
   * @throws PolicyException if the policy does not fit the schema
   */
  public static Minimizer compile(
      MinimizationPolicy policy, Schema input, Pseudonymizer pseudonyms) {
    return new Minimizer(pseudonyms.recipient(), policy, pseudonyms, input);
  }

  public String recipient() {
    return recipient;
  }

  public MinimizationPolicy policy() {
    return policy;
  }

  public int keyVersion() {
    return pseudonyms.keyVersion();
  }

  /** The schema of the minimized records: the policy's projection of the transaction schema. */
  public Schema outputSchema() {
    return output;
  }

  /** The SHA-256 parsing fingerprint of {@link #outputSchema()}, as writer schemas are named. */
  public String outputFingerprint() {
    return outputFingerprint;
  }

  /** Every leaf path of the schema with the rule in force for it, in schema order. */
  public List<FieldRule> effectiveRules() {
    return Collections.unmodifiableList(leaves);
  }

  /** The leaf paths dropped because the policy does not name them (default deny). */
  public List<String> droppedByDefault() {
    return leaves.stream()
        .filter(rule -> !policy.rules().containsKey(rule.path()))
        .map(FieldRule::path)
        .toList();
  }

  /**
   * Minimizes records (Avro records of the input schema: generated or generic) that came from one
   * marketplace, the scope of their pseudonyms.
   */
  public Minimized minimize(String marketplaceId, List<? extends IndexedRecord> records) {
    Tally tally = new Tally(leaves.size(), marketplaceId);
    List<GenericRecord> out = new ArrayList<>(records.size());
    for (IndexedRecord record : records) {
      out.add((GenericRecord) apply(root, record, tally));
    }
    List<FieldCount> counts = new ArrayList<>(leaves.size());
    for (int i = 0; i < leaves.size(); i++) {
      counts.add(new FieldCount(leaves.get(i).path(), leaves.get(i).action(), tally.values[i]));
    }
    return new Minimized(out, counts, Collections.unmodifiableMap(tally.freeText));
  }

  /** Minimized records as an Avro object container with {@link #outputSchema()}. */
  public byte[] container(List<GenericRecord> records) {
    return containers.write(records);
  }

  @Override
  public String toString() {
    return "Minimizer[" + recipient + ", " + policy.id() + " v" + policy.version() + "]";
  }

  // --- compiling -----------------------------------------------------------------------------

  private sealed interface Node permits RecordNode, ArrayNode, LeafNode {}

  /** A field of a record: where it is read, where it is written (-1: dropped), its plan. */
  private record Slot(int in, int out, Node node) {}

  private record RecordNode(Schema schema, List<Slot> slots) implements Node {}

  private record ArrayNode(Schema schema, Node element) implements Node {}

  private record LeafNode(int leaf, FieldRule rule, Schema schema) implements Node {}

  /** A compiled subtree and its output schema, null when nothing of it is kept. */
  private record Built(Node node, Schema schema) {}

  private Built build(Schema schema, String path, Set<String> unused) {
    switch (schema.getType()) {
      case RECORD -> {
        List<Slot> slots = new ArrayList<>();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : schema.getFields()) {
          String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
          Schema type = field.schema();
          boolean nullable = isNullable(type);
          Built child = build(nullable ? nonNull(type) : type, fieldPath, unused);
          int out = -1;
          if (child.schema != null) {
            out = fields.size();
            Schema fieldSchema =
                nullable
                    ? Schema.createUnion(Schema.create(Schema.Type.NULL), child.schema)
                    : child.schema;
            fields.add(
                new Schema.Field(
                    field.name(),
                    fieldSchema,
                    field.doc(),
                    nullable ? JsonProperties.NULL_VALUE : null));
          }
          slots.add(new Slot(field.pos(), out, child.node));
        }
        Schema out = null;
        if (!fields.isEmpty()) {
          String doc =
              path.isEmpty()
                  ? schema.getDoc()
                      + " Minimized by policy "
                      + policy.id()
                      + " version "
                      + policy.version()
                      + ": a field the policy drops is absent."
                  : schema.getDoc();
          out =
              Schema.createRecord(
                  path.isEmpty() ? "Minimized" + schema.getName() : recordName(path),
                  doc,
                  NAMESPACE,
                  false,
                  fields);
        }
        return new Built(new RecordNode(out, slots), out);
      }
      case ARRAY -> {
        Built element = build(schema.getElementType(), path + "[]", unused);
        Schema out = element.schema == null ? null : Schema.createArray(element.schema);
        return new Built(new ArrayNode(out, element.node), out);
      }
      case UNION, MAP, FIXED, BYTES, FLOAT, DOUBLE, NULL ->
          throw new PolicyException(
              "the transaction schema has a " + schema.getType() + " at " + path + ": unsupported");
      default -> {
        unused.remove(path);
        FieldRule rule = policy.rule(path);
        check(rule, schema);
        int leaf = leaves.size();
        leaves.add(rule);
        Schema out =
            switch (rule.action()) {
              case DROP -> null;
              case KEEP -> schema;
              case GENERALIZE ->
                  rule.method().orElseThrow() == FieldRule.Method.MONTH
                      ? schema
                      : Schema.create(Schema.Type.STRING);
              case PSEUDONYMIZE, MASK -> Schema.create(Schema.Type.STRING);
            };
        return new Built(new LeafNode(leaf, rule, out), out);
      }
    }
  }

  private void check(FieldRule rule, Schema type) {
    boolean text = type.getType() == Schema.Type.STRING;
    boolean timestamp =
        type.getType() == Schema.Type.LONG
            && type.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    boolean fits =
        switch (rule.action()) {
          case KEEP, DROP -> true;
          case PSEUDONYMIZE, MASK -> text;
          case GENERALIZE ->
              rule.method().orElseThrow() == FieldRule.Method.MONTH ? timestamp : text;
        };
    if (!fits) {
      throw new PolicyException(
          "policy "
              + policy.id()
              + ": "
              + rule.path()
              + " is "
              + (type.getLogicalType() != null
                  ? type.getLogicalType().getName()
                  : type.getType().getName())
              + ", which "
              + rule.action().wireName()
              + rule.method().map(m -> " " + m.wireName()).orElse("")
              + " cannot apply to");
    }
  }

  private static boolean isNullable(Schema schema) {
    return schema.getType() == Schema.Type.UNION
        && schema.getTypes().size() == 2
        && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL);
  }

  private static Schema nonNull(Schema union) {
    return union.getTypes().stream()
        .filter(s -> s.getType() != Schema.Type.NULL)
        .findFirst()
        .orElseThrow();
  }

  /** {@code seller.address} is {@code SellerAddress}, {@code items[]} is {@code Items}. */
  private static String recordName(String path) {
    StringBuilder name = new StringBuilder();
    for (String segment : path.replace("[]", "").split("\\.")) {
      name.append(Character.toUpperCase(segment.charAt(0))).append(segment.substring(1));
    }
    return name.toString();
  }

  // --- applying ------------------------------------------------------------------------------

  private static final class Tally {
    final long[] values;
    final Map<FreeTextScanner.Kind, Integer> freeText = new EnumMap<>(FreeTextScanner.Kind.class);
    final String scope;

    Tally(int leaves, String scope) {
      values = new long[leaves];
      this.scope = scope;
    }
  }

  private Object apply(Node node, Object value, Tally tally) {
    if (value == null) {
      return null;
    }
    if (node instanceof RecordNode record) {
      IndexedRecord in = (IndexedRecord) value;
      GenericData.Record out = record.schema == null ? null : new GenericData.Record(record.schema);
      for (Slot slot : record.slots) {
        Object result = apply(slot.node, in.get(slot.in), tally);
        if (slot.out >= 0) {
          out.put(slot.out, result);
        }
      }
      return out;
    }
    if (node instanceof ArrayNode array) {
      List<?> in = (List<?>) value;
      List<Object> out = array.schema == null ? null : new ArrayList<>(in.size());
      for (Object element : in) {
        Object result = apply(array.element, element, tally);
        if (out != null) {
          out.add(result);
        }
      }
      return out == null ? null : new GenericData.Array<>(array.schema, out);
    }
    LeafNode leaf = (LeafNode) node;
    tally.values[leaf.leaf]++;
    FieldRule rule = leaf.rule;
    return switch (rule.action()) {
      case DROP -> null;
      case KEEP -> plain(value, leaf.schema);
      case PSEUDONYMIZE -> pseudonyms.pseudonym(rule.path(), tally.scope, value.toString());
      case GENERALIZE ->
          rule.method().orElseThrow() == FieldRule.Method.MONTH
              ? month(value)
              : postalPrefix(value.toString(), rule.length());
      case MASK ->
          rule.method().orElseThrow() == FieldRule.Method.FREE_TEXT
              ? freeText(value.toString(), tally)
              : lastCharacters(value.toString(), rule.length());
    };
  }

  /** A kept value in its generic form: text as String, enums as symbols, times as millis. */
  private static Object plain(Object value, Schema schema) {
    return switch (schema.getType()) {
      case STRING -> value.toString();
      case ENUM -> new GenericData.EnumSymbol(schema, value.toString());
      case LONG -> value instanceof Instant instant ? instant.toEpochMilli() : value;
      default -> value;
    };
  }

  private static long month(Object value) {
    Instant instant = value instanceof Instant i ? i : Instant.ofEpochMilli((Long) value);
    ZonedDateTime utc = instant.atZone(ZoneOffset.UTC);
    return utc.toLocalDate()
        .withDayOfMonth(1)
        .atStartOfDay(ZoneOffset.UTC)
        .toInstant()
        .toEpochMilli();
  }

  static String postalPrefix(String value, int length) {
    String compact = value.replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
    return compact.length() <= length ? compact : compact.substring(0, length);
  }

  /**
   * All but the last {@code visible} characters as {@code *}; a value of at most twice that length
   * is masked whole, so that a short value is never mostly revealed.
   */
  static String lastCharacters(String value, int visible) {
    int length = value.codePointCount(0, value.length());
    int keep = length > 2 * visible ? visible : 0;
    int cut = value.offsetByCodePoints(0, length - keep);
    return "*".repeat(length - keep) + value.substring(cut);
  }

  private String freeText(String value, Tally tally) {
    FreeTextScanner.Result result = scanner.scan(value);
    result.counts().forEach((kind, count) -> tally.freeText.merge(kind, count, Integer::sum));
    return result.text();
  }
}
