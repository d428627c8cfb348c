package org.parcelgate.store;

import static org.parcelgate.store.Batches.batch;
import static org.parcelgate.store.Batches.digest;
import static org.parcelgate.store.Batches.entry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Run in a child JVM by {@link KilledProcessTest}: commits batches to the store in the given
 * directory until it is killed, and prints the id of each batch once its commit returned.
 */
public final class CommittingProcess {
  static final int RECORDS = 200;

  private CommittingProcess() {}

  public static void main(String[] args) {
    GatewayStore store = EmbeddedStore.open(Path.of(args[0]));
    for (int n = 1; ; n++) {
      store.commit(batch("b-" + n, "alpha", digest("body " + n), entries(n)));
      System.out.println("committed b-" + n);
      System.out.flush();
    }
  }

  static List<IndexEntry> entries(int batch) {
    List<IndexEntry> entries = new ArrayList<>(RECORDS);
    for (int i = 0; i < RECORDS; i++) {
      entries.add(entry("t-" + batch + "-" + i, 1));
    }
    return entries;
  }

  static List<String> ids(int batch) {
    return entries(batch).stream().map(IndexEntry::transactionId).toList();
  }
}
