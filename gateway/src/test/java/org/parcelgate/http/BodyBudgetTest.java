package org.parcelgate.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The body memory budget and the per-partner limit as plain Java: reserve, refuse, give back once.
 */
class BodyBudgetTest {

  @Test
  void reservesWhileTheBodyFitsAndRefusesBeyond() {
    BodyBudget budget = new BodyBudget(100);

    assertThat(budget.tryReserve(60)).isPresent();
    assertThat(budget.tryReserve(41)).isEmpty();
    assertThat(budget.tryReserve(40)).isPresent();
    assertThat(budget.inUse()).isEqualTo(100);
    assertThat(budget.tryReserve(0)).isPresent();
    assertThat(budget.tryReserve(1)).isEmpty();
  }

  @Test
  void givesBackOnceHoweverOftenReleased() {
    BodyBudget budget = new BodyBudget(100);
    BodyBudget.Reservation first = budget.tryReserve(60).orElseThrow();
    BodyBudget.Reservation second = budget.tryReserve(30).orElseThrow();

    first.release();
    first.release();

    assertThat(budget.inUse()).isEqualTo(30);
    second.release();
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void shrinksAChunkedBodysReservationToItsSizeAndNotAfterRelease() {
    BodyBudget budget = new BodyBudget(100);
    BodyBudget.Reservation chunked = budget.tryReserve(100).orElseThrow();

    chunked.shrinkTo(25);
    chunked.shrinkTo(50); // never grows

    assertThat(budget.inUse()).isEqualTo(25);
    chunked.release();
    chunked.shrinkTo(10);
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void concurrentReservationsNeverExceedTheBudgetAndAllComeBack() throws Exception {
    BodyBudget budget = new BodyBudget(1_000);
    AtomicLong highest = new AtomicLong();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      runs.add(
          threads.submit(
              () -> {
                for (int i = 0; i < 20_000; i++) {
                  budget
                      .tryReserve(7 + i % 300)
                      .ifPresent(
                          held -> {
                            highest.accumulateAndGet(budget.inUse(), Math::max);
                            held.release();
                            held.release();
                          });
                }
              }));
    }
    for (Future<?> run : runs) {
      run.get(30, TimeUnit.SECONDS);
    }
    threads.shutdown();

    assertThat(highest.get()).isLessThanOrEqualTo(1_000);
    assertThat(budget.inUse()).isZero();
  }

  @Test
  void limitsEachPartnerSeparatelyAndGivesAPlaceBackOnce() {
    PartnerInFlight inFlight = new PartnerInFlight(2);
    PartnerInFlight.Permit first = inFlight.tryAcquire("alpha").orElseThrow();
    assertThat(inFlight.tryAcquire("alpha")).isPresent();

    assertThat(inFlight.tryAcquire("alpha")).isEmpty();
    assertThat(inFlight.tryAcquire("beta")).isPresent();

    first.release();
    first.release();
    assertThat(inFlight.inFlight("alpha")).isEqualTo(1);
    assertThat(inFlight.tryAcquire("alpha")).isPresent();
    assertThat(inFlight.tryAcquire("alpha")).isEmpty();
  }
}
