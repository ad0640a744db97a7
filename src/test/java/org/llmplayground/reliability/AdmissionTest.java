package org.llmplayground.reliability;

import org.junit.jupiter.api.Test;
import org.llmplayground.core.Admission;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gate in front of generation: a bounded, fair line and an honest refusal (429 + seconds to wait). */
class AdmissionTest {
    @Test
    void beyondTheLineARequestIsRefusedAtOnceWithRetryAfter() {
        Admission gate = new Admission("generations", 1, 0, Duration.ofSeconds(7));
        try (Admission.Ticket first = gate.enter()) {
            long t0 = System.nanoTime();
            assertThatThrownBy(gate::enter).isInstanceOfSatisfying(Admission.Overloaded.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryAfterSeconds()).isEqualTo(7);
                assertThat(e.getMessage()).isEqualTo("The server is busy: 1 generations are running and 0 more are waiting. Try again in 7 s.");
            });
            assertThat(System.nanoTime() - t0).as("no waiting when the line is full").isLessThan(TimeUnit.SECONDS.toNanos(2));
            assertThat(gate.refused()).isEqualTo(1);
        }
        assertThat(gate.running()).isZero();
        gate.enter().close(); // free again
    }

    @Test
    void aWaiterGetsInWhenAPlaceFreesAndIsRefusedWhenNoneDoesInTime() throws Exception {
        Admission gate = new Admission("generations", 1, 1, Duration.ofMillis(300));
        Admission.Ticket first = gate.enter();
        assertThatThrownBy(gate::enter).isInstanceOfSatisfying(Admission.Overloaded.class, e -> assertThat(e.getMessage())
                .isEqualTo("The server is busy: 1 generations are running and none finished within 300 ms of waiting. Try again in 1 s."));
        Admission patient = new Admission("generations", 1, 1, Duration.ofSeconds(10));
        Admission.Ticket held = patient.enter();
        CompletableFuture<Admission.Ticket> waiter = CompletableFuture.supplyAsync(patient::enter);
        while (patient.waiting() == 0) {
            Thread.sleep(5);
        }
        assertThatThrownBy(patient::enter).as("the line (1) is full").isInstanceOf(Admission.Overloaded.class);
        held.close();
        held.close(); // twice: still one place given back
        Admission.Ticket got = waiter.get(5, TimeUnit.SECONDS);
        assertThat(patient.running()).isEqualTo(1);
        got.close();
        assertThat(patient.running()).isZero();
        first.close();
    }
}
