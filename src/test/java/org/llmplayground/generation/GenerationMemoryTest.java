package org.llmplayground.generation;

import ai.djl.ndarray.BaseNDManager;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.support.TestApp;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * No native memory is left behind: after hundreds of generations of every kind (sampled, greedy, beam, batched,
 * cancelled, sliding past the context, refused), the model's NDManager holds exactly the tensors it held before.
 * (docs/benchmarks.md has the resident memory over 1,000 generations.)
 */
@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerationMemoryTest implements TestPropertyProvider {
    @Inject
    GenerationService service;
    @Inject
    ModelService models;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("generation-memory");
    }

    @Test
    void everyKindOfGenerationFreesItsTensors() {
        LoadedModel m = models.get(ModelService.SHAKESPEARE_MODEL);
        String id = m.info().id();
        GenerationSettings sample = GenerationSettings.defaults().withSampling(0.9, 40, 0.95, 0).withMaxNewTokens(30);
        service.generate(service.prepare(id, "ROMEO:\n", sample), e -> {
        }, () -> false);
        int before = ((BaseNDManager) m.manager()).getManagedArrays().size();
        for (int i = 0; i < 60; i++) {
            service.generate(service.prepare(id, "ROMEO:\n", sample.withSeed((long) i)), e -> {
            }, () -> false);
            service.generate(service.prepare(id, "JULIET:\n", GenerationSettings.greedy(20).withPenalties(1.2, 0.1, 0.1, 3)), e -> {
            }, () -> false);
            service.generate(service.prepare(id, "KING:\n", GenerationSettings.defaults().withStrategy(GenerationSettings.Strategy.BEAM)
                    .withBeam(3, 1, true, 2).withMaxNewTokens(8)), e -> {
            }, () -> false);
            AtomicInteger n = new AtomicInteger();
            service.generate(service.prepare(id, "A", sample), e -> n.incrementAndGet(), () -> n.get() >= 5);
            assertThatThrownBy(() -> service.generate(service.prepare(id, "", sample), e -> {
            }, () -> false)).hasMessage("The prompt is empty: give the model some text to continue.");
        }
        service.compare(id, "QUEEN:\n", java.util.List.of(sample, GenerationSettings.greedy(30)), e -> {
        }, () -> false);
        service.generate(service.prepare(id, "ROMEO:\n", GenerationSettings.greedy(300)), e -> {
        }, () -> false); // slides past the 128-character context twice
        assertThat(((BaseNDManager) m.manager()).getManagedArrays()).hasSize(before);
        assertThat(service.running()).isZero();
    }
}
