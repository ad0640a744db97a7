package org.llmplayground.generation;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import io.micronaut.context.annotation.Value;
import org.llmplayground.core.Admission;
import org.llmplayground.core.BadInputException;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Generation for the Generation lab, the Chat playground and the APIs: checks the request, encodes the prompt with
 * the model's tokenizer and runs the {@link Generator}. At most {@code playground.generation.max-running} (4)
 * generations run at once; up to {@code max-queued} (16) more wait their turn in arrival order for at most
 * {@code max-wait} (10 s); beyond that a request is refused with 429 and Retry-After ({@link Admission}) instead of
 * piling up threads. Generations on one model take turns step by step.
 */
@Singleton
public class GenerationService {
    public static final int MAX_CONCURRENT = 4; // the default of playground.generation.max-running
    /** Comparing strategies side by side: at most this many at once. */
    public static final int MAX_COMPARE = 6;
    private static final Logger LOG = LoggerFactory.getLogger(GenerationService.class);

    private final ModelService models;
    private final Admission admission;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService streams = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "generation-" + threads.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    public GenerationService(ModelService models,
                             @Value("${playground.generation.max-running:4}") int maxRunning,
                             @Value("${playground.generation.max-queued:16}") int maxQueued,
                             @Value("${playground.generation.max-wait:10s}") Duration maxWait) {
        this.models = models;
        this.admission = new Admission("generations", maxRunning, maxQueued, maxWait);
    }

    /**
     * A place among the running generations, taken before a response starts (so an API can still answer 429 with
     * Retry-After instead of a stream that fails): waits in line up to the configured time, else {@link Admission.Overloaded}.
     */
    public Admission.Ticket admit() {
        return admission.enter();
    }

    /**
     * The prompt as the model reads it, after the checks every entry point shares: what {@link #generate} and
     * {@link #generateAsync} take, so a prompt is validated and encoded once.
     */
    public record Prepared(LoadedModel model, int[] promptIds, GenerationSettings settings) {
    }

    /** Checks the request and encodes the prompt with the model's tokenizer. */
    public Prepared prepare(String modelId, String prompt, GenerationSettings settings) {
        LoadedModel m = model(modelId, true);
        if (prompt == null || prompt.isEmpty()) {
            throw new BadInputException("The prompt is empty: give the model some text to continue.");
        }
        settings.validate();
        return prepareEncoded(m, m.codec().encode(prompt), settings);
    }

    /** The same checks for a prompt already encoded (the chat service counts tokens while fitting the context). */
    public Prepared prepareEncoded(String modelId, int[] ids, GenerationSettings settings) {
        settings.validate();
        return prepareEncoded(model(modelId, true), ids, settings);
    }

    private Prepared prepareEncoded(LoadedModel m, int[] ids, GenerationSettings settings) {
        if (ids.length == 0) {
            throw new BadInputException("The prompt gives no tokens for " + m.info().name() + ".");
        }
        int context = m.config().contextLength();
        if (ids.length > context) {
            throw new BadInputException("The prompt has " + ids.length + " tokens; " + m.info().name() + " reads at most "
                    + context + " (its context length). Shorten the prompt.");
        }
        if (settings.strategy() == GenerationSettings.Strategy.BEAM && ids.length >= context) {
            throw new BadInputException("Beam search needs room after the prompt: it has " + ids.length + " tokens and the context is " + context + ".");
        }
        return new Prepared(m, ids, settings);
    }

    private LoadedModel model(String modelId, boolean forText) {
        if (modelId == null || modelId.isBlank()) {
            throw new BadInputException("Choose a model: 'model' is missing.");
        }
        LoadedModel m = models.get(modelId);
        if (forText && !m.info().readsText()) {
            throw new BadInputException(m.info().name() + " cannot read text (its input: " + m.info().input() + "). Choose a model "
                    + "with a text tokenizer: " + String.join(", ", models().stream().map(LoadedModel.ModelInfo::id).toList()) + ".");
        }
        return m;
    }

    /** Generates and streams tokens to {@code listener} on the calling thread (waiting for a place first). */
    public GenerationResult generate(Prepared p, Generator.Listener listener, BooleanSupplier cancelled) {
        return withSlot(() -> generator(p.model()).generate(p.promptIds(), p.settings(), listener, cancelled));
    }

    /**
     * The same generation on a generation thread; the future completes with the result or the error (a refusal
     * included). For the UI: the caller's thread never waits.
     */
    public CompletableFuture<GenerationResult> generateAsync(Prepared p, Generator.Listener listener, BooleanSupplier cancelled) {
        return CompletableFuture.supplyAsync(() -> generate(p, listener, cancelled), streams);
    }

    /** A generation on a generation thread with a place taken by {@link #admit()}; the place is given back at its end. */
    public CompletableFuture<GenerationResult> generateAsync(Prepared p, Admission.Ticket ticket, Generator.Listener listener,
                                                             BooleanSupplier cancelled) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try (ticket) {
                    return run(() -> generator(p.model()).generate(p.promptIds(), p.settings(), listener, cancelled));
                }
            }, streams);
        } catch (RuntimeException e) { // not started (executor shut down): the place must not leak
            ticket.close();
            throw e;
        }
    }

    /**
     * Several strategies on one prompt: all sampling and greedy settings as rows of one batch, each beam search on
     * its own; results in the order given. Rows of the listener's events are indexes into {@code settings}.
     */
    public List<GenerationResult> compare(String modelId, String prompt, List<GenerationSettings> settings, Generator.Listener listener,
                                          BooleanSupplier cancelled) {
        if (settings.isEmpty() || settings.size() > MAX_COMPARE) {
            throw new BadInputException("Compare 1 to " + MAX_COMPARE + " strategies (got " + settings.size() + ").");
        }
        Prepared first = prepare(modelId, prompt, settings.get(0)); // encoded once, each setting checked against it
        for (GenerationSettings s : settings.subList(1, settings.size())) {
            prepareEncoded(first.model(), first.promptIds(), s.validate());
        }
        LoadedModel m = first.model();
        int[] ids = first.promptIds();
        return withSlot(() -> {
            Generator g = generator(m);
            GenerationResult[] out = new GenerationResult[settings.size()];
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < settings.size(); i++) {
                if (settings.get(i).strategy() != GenerationSettings.Strategy.BEAM) {
                    rows.add(i);
                }
            }
            if (!rows.isEmpty()) {
                List<GenerationResult> batch = g.generateRows(ids, rows.stream().map(settings::get).toList(),
                        e -> listener.token(new TokenEvent(rows.get(e.row()), e.index(), e.id(), e.token(), e.text(), e.probability(), e.trace())),
                        cancelled);
                for (int r = 0; r < rows.size(); r++) {
                    out[rows.get(r)] = batch.get(r);
                }
            }
            for (int i = 0; i < settings.size(); i++) {
                if (out[i] == null) {
                    int row = i;
                    out[i] = g.generate(ids, settings.get(i), e -> listener.token(new TokenEvent(row, e.index(), e.id(), e.token(),
                            e.text(), e.probability(), e.trace())), cancelled);
                }
            }
            return List.of(out);
        });
    }

    /** The models that read text: what the Generation and Chat pickers and the OpenAI API offer. */
    public List<LoadedModel.ModelInfo> models() {
        return models.models().stream().filter(LoadedModel.ModelInfo::readsText).toList();
    }

    /** A model that reads text (404 for an unknown id, 400 for one that reads ids or digits). */
    public LoadedModel.ModelInfo model(String id) {
        return model(id, true).info();
    }

    /** The model's tokenizer, for fitting a chat prompt into the context. */
    public int[] encode(String modelId, String text) {
        return text.isEmpty() ? new int[0] : model(modelId, true).codec().encode(text);
    }

    public int contextLength(String modelId) {
        return models.get(modelId).config().contextLength();
    }

    private Generator generator(LoadedModel m) {
        return new Generator(m.network(), m.parameterStore(), m.manager(), m.lock(), m.codec());
    }

    private <T> T withSlot(java.util.function.Supplier<T> work) {
        try (Admission.Ticket ignored = admission.enter()) {
            return run(work);
        }
    }

    private static <T> T run(java.util.function.Supplier<T> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            LOG.warn("Generation failed: {}", e.toString());
            throw e;
        }
    }

    /** How many generations are running now (for tests and the UI). */
    public int running() {
        return admission.running();
    }

    /** How many wait for a place, and how many were refused since start. */
    public int waiting() {
        return admission.waiting();
    }

    public int refused() {
        return admission.refused();
    }

    @PreDestroy
    void shutdown() {
        streams.shutdownNow();
    }
}
