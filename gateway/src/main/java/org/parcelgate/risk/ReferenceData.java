package org.parcelgate.risk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The reference tables the detectors read: CSV files shipped in this package's resources, each of
 * which an operator may replace with a file of the same name in {@code risk.reference-directory}.
 *
 * <p>A table is UTF-8 text; lines starting with {@code #} and blank lines are comments; the first
 * other line names the columns; values are separated by commas and never quoted (no table needs a
 * comma inside a value). A malformed table fails the gateway's start with the file and line named.
 */
public final class ReferenceData {
  private final Optional<Path> directory;
  private final ExchangeRates exchangeRates;

  private ReferenceData(Optional<Path> directory) {
    this.directory = directory;
    this.exchangeRates = ExchangeRates.of(table(ExchangeRates.FILE));
  }

  /** The shipped tables, each replaced by a file of the same name in {@code directory}, if any. */
  public static ReferenceData load(Optional<Path> directory) {
    return new ReferenceData(Objects.requireNonNull(directory, "directory"));
  }

  /** The shipped tables only. */
  public static ReferenceData shipped() {
    return load(Optional.empty());
  }

  public ExchangeRates exchangeRates() {
    return exchangeRates;
  }

  /** A table by file name ({@code vat-rates.csv}): the operator's, else the shipped one. */
  public Table table(String file) {
    if (directory.isPresent()) {
      Path path = directory.get().resolve(file);
      if (Files.isRegularFile(path)) {
        try {
          return Table.parse(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read the reference table " + path, e);
        }
      }
    }
    try (InputStream in = ReferenceData.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalArgumentException("no reference table " + file);
      }
      return Table.parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A parsed table: its column names and rows, each row as many values as there are columns.
   *
   * @param source the file name, for messages
   */
  public record Table(String source, List<String> columns, List<Row> rows) {
    /** One row and the line it came from. */
    public record Row(int line, List<String> values) {}

    static Table parse(String source, String text) {
      List<String> columns = null;
      List<Row> rows = new ArrayList<>();
      String[] lines = text.split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        List<String> values = List.of(line.split(",", -1)).stream().map(String::strip).toList();
        if (columns == null) {
          columns = values;
        } else if (values.size() != columns.size()) {
          throw new IllegalArgumentException(
              source
                  + " line "
                  + (i + 1)
                  + ": "
                  + values.size()
                  + " values where the header names "
                  + columns.size());
        } else {
          rows.add(new Row(i + 1, values));
        }
      }
      if (columns == null) {
        throw new IllegalArgumentException(source + ": no header line");
      }
      return new Table(source, columns, List.copyOf(rows));
    }

    /** The index of a column, or a failure naming the table. */
    public int column(String name) {
      int index = columns.indexOf(name);
      if (index < 0) {
        throw new IllegalArgumentException(source + ": no column " + name);
      }
      return index;
    }

    /** A failure about one row, naming the table and line. */
    public IllegalArgumentException invalid(Row row, String problem) {
      return new IllegalArgumentException(source + " line " + row.line() + ": " + problem);
    }
  }
}
