package org.llmplayground.training;

import org.llmplayground.core.SingleThreadTorch;
import org.llmplayground.model.ModelConfig;
import org.llmplayground.model.ModelTokenizer;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import org.llmplayground.model.nn.NoGrad;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.micronaut.serde.annotation.Serdeable;
import org.llmplayground.generation.Distributions;
import org.llmplayground.model.nn.CausalLm;
import org.llmplayground.model.nn.DropoutMasks;
import org.llmplayground.model.nn.NativeArrays;
import org.llmplayground.model.nn.Scalars;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The training loop, one optimizer step at a time (nanoGPT's train.py is the model):
 * <pre>
 *   for step in from+1 .. max_steps:
 *       lr = schedule(step)
 *       for each of k micro-batches:  loss = cross_entropy(model(x), y) / k;  loss.backward()   (gradients add up)
 *       norm = √Σ‖g‖²;  if norm > clip: g ← g · clip / norm                                      (global-norm clipping)
 *       AdamW update
 *       every eval_interval: mean loss, perplexity and accuracy on K train and K val batches; early stopping
 *       every sample interval: generate text;  every save_interval: checkpoint
 * </pre>
 * Reproducible by construction: the batches of step s and the dropout masks depend only on (seed, s), so a run
 * resumed from a checkpoint at step s computes exactly what the uninterrupted run computed after s (on the CPU).
 */
public final class Trainer {
    /** One optimizer step. {@code memoryMb} is the process' resident memory (heap and native). */
    @Serdeable
    public record StepMetrics(int step, double loss, double lr, double gradNorm, double tokensPerSecond, double stepMillis,
                              double heapMb, double memoryMb) {
    }

    /** An evaluation: mean loss over the eval batches, perplexity = e^loss, next-token accuracy. */
    @Serdeable
    public record EvalMetrics(int step, double trainLoss, double valLoss, double valPerplexity, double valAccuracy) {
    }

    /** What an {@link Objective} measured at one step besides the loss, by name (TRL's names for DPO: rewards/chosen, …). */
    @Serdeable
    public record Measured(int step, java.util.Map<String, Double> values) {
    }

    @Serdeable
    public record Sample(int step, String text) {
    }

    /** What the loop reports as it goes; every method is optional. */
    public interface Events {
        default void stepped(StepMetrics m) {
        }

        default void evaluated(EvalMetrics e) {
        }

        default void sampled(Sample s) {
        }

        default void checkpointed(Checkpoints.Saved c) {
        }

        default void warning(String message) {
        }

        /** What an {@link Objective} measured at a step besides the loss (DPO's rewards/chosen, …), by name. */
        default void measured(int step, java.util.Map<String, Double> metrics) {
        }

        /** The checkpoint at {@code step} could not be written; training goes on. */
        default void checkpointFailed(int step, String message) {
            warning(message);
        }
    }

    /** Asks the loop to stop (after saving a checkpoint) or to wait while paused; checked between steps. */
    public interface Control {
        boolean stopRequested();

        void waitWhilePaused() throws InterruptedException;

        /** The checkpoint interval now: the config's, unless it was changed while the run goes on. */
        default int saveInterval(int configured) {
            return configured;
        }
    }

    /**
     * Where training batches come from: fills x and y (B·T, row-major) for micro-batch {@code micro} of {@code step}.
     * A target below 0 takes no part in the loss (a prompt token in supervised fine-tuning, or padding: PyTorch's
     * ignore_index −100).
     */
    @FunctionalInterface
    public interface Batches {
        void fill(int step, int micro, long[] x, long[] y);

        /** For the batch just filled: 1 for a real token, 0 for padding (B·T), or null when every row is full. */
        default float[] padding() {
            return null;
        }

        /**
         * T of micro-batch {@code micro} of {@code step}, asked before it is filled: a batch of short examples is only
         * as wide as its longest one (0: the run's block size).
         */
        default int width(int step, int micro) {
            return 0;
        }

        /** Rows of a micro-batch of {@code batchSize}: the same, or two per preference pair (chosen and rejected). */
        default int rowsPerBatch(int batchSize) {
            return batchSize;
        }
    }

    /** How a run ended: at which step, why, and whether it failed (NaN loss). */
    public record Outcome(int lastStep, String reason, Double bestValLoss, boolean failed) {
    }

    private final TrainingConfig config;
    private final CausalLm network;
    private final NDManager manager;
    private final TokenDataset data;
    private final DataSplit split;
    private final ModelTokenizer tokenizer;
    private final Checkpoints checkpoints;
    private final Checkpoints.Meta metaTemplate;
    private final AdamW optimizer;
    private final LrSchedule schedule;
    private final Events events;
    private final Control control;
    private final ParameterStore ps;
    private final List<Parameter> parameters = new ArrayList<>();
    private Sampler sampler;
    private Objective objective;
    private Batches batches;
    /** Evaluation batches of train and val (null: samples of the token file's split). */
    private Batches evalTrain;
    private Batches evalVal;
    private Double bestVal;
    private Double lastVal;
    private Double lastTrain;
    private int evalsWithoutImprovement;

    public Trainer(TrainingConfig config, CausalLm network, NDManager manager, TokenDataset data, DataSplit split,
                   ModelTokenizer tokenizer, Checkpoints checkpoints, Checkpoints.Meta metaTemplate, AdamW optimizer,
                   Events events, Control control) {
        this.config = config;
        this.network = network;
        this.manager = manager;
        this.data = data;
        this.split = split;
        this.tokenizer = tokenizer;
        this.checkpoints = checkpoints;
        this.metaTemplate = metaTemplate;
        this.optimizer = optimizer;
        this.events = events;
        this.control = control;
        TrainingConfig.Training t = config.training();
        this.schedule = new LrSchedule(t.schedule(), t.learningRate(), t.minLearningRate(), t.warmupSteps(), t.maxSteps());
        this.ps = new ParameterStore(manager, false);
        for (Pair<String, Parameter> p : network.trainableParameters()) { // only the adapters when fine-tuning with LoRA
            parameters.add(p.getValue());
        }
        int b = t.batchSize();
        this.batches = (step, micro, x, y) -> split.sample(data, DataSplit.Part.TRAIN, new Random(seedFor(step, micro + 1)), b, x, y);
    }

    /** Clips and (through the run's AdamW) updates {@code p} too: a weight outside the network, e.g. a reward head. */
    void alsoTrain(String name, Parameter p) {
        parameters.add(p);
        extra.add(name, p);
    }

    /** Weights trained outside the network (a reward head): saved in each checkpoint next to the network's. */
    private final ai.djl.util.PairList<String, Parameter> extra = new ai.djl.util.PairList<>();

    /** Replaces the random training batches (tests use it to feed known rows; fine-tuning feeds its examples). */
    public Trainer withBatches(Batches source) {
        this.batches = source;
        return this;
    }

    /**
     * Evaluates on these batches instead of samples of the token file: {@code fill(i, 0, x, y)} gives evaluation batch
     * i of train and of val (the same ones at every evaluation).
     */
    public Trainer withEvalBatches(Batches train, Batches val) {
        this.evalTrain = train;
        this.evalVal = val;
        return this;
    }

    /**
     * Replaces the sampled continuation of the config's prompt with another way of showing progress (fine-tuning
     * answers a few fixed validation instructions greedily). Called without gradients, at each sampling interval.
     */
    public Trainer withSampler(Sampler sampler) {
        this.sampler = sampler;
        return this;
    }

    /**
     * Replaces next-token cross-entropy with another loss on the same batches (DPO's preference loss). Called once
     * per micro-batch inside the gradient collector; what it returns is back-propagated (after division by the
     * number of micro-batches).
     */
    public Trainer withObjective(Objective objective) {
        this.objective = objective;
        return this;
    }

    /** A training loss other than next-token cross-entropy. */
    public interface Objective {
        /**
         * The loss of one micro-batch.
         *
         * @param x       the token ids (B, T)
         * @param y       the targets, B·T, −1 where none
         * @param padding 1 for a real token, 0 for padding (B, T), or null
         * @param training a training step (dropout on, gradients recorded) or an evaluation
         */
        NDArray loss(CausalLm network, ParameterStore ps, NDArray x, long[] y, NDArray padding, NDManager manager, boolean training);

        /** What an evaluation reports as its accuracy, from the metrics of the batches just measured. */
        default double accuracy(java.util.Map<String, Double> metrics) {
            return 0;
        }

        /** What the micro-batches of the step just taken measured (means over the step), and forgets them. */
        default java.util.Map<String, Double> takeMetrics() {
            return java.util.Map.of();
        }
    }

    /** What a run shows of its model at a sampling step. */
    @FunctionalInterface
    public interface Sampler {
        String sample(CausalLm network, ParameterStore ps, NDManager manager, int step);

        /** Numbers the last sample measured (DPO's KL estimate), recorded at its step with the objective's; then forgotten. */
        default java.util.Map<String, Double> takeMeasures() {
            return java.util.Map.of();
        }
    }

    /** Continues from {@code fromStep} (0 for a new run) to max_steps, or until stopped, early-stopped or NaN. */
    public Outcome run(int fromStep, Double bestValSoFar) throws InterruptedException {
        if (oneCore()) {
            return SingleThreadTorch.callToEnd(() -> runHere(fromStep, bestValSoFar));
        }
        return runHere(fromStep, bestValSoFar);
    }

    /**
     * Whether this run trains on one core: when the largest matrix product of a micro-batch is small, rows × d ×
     * max(ffn hidden, vocabulary) ≤ {@link #ONE_CORE_MAX_PRODUCT} multiply-adds (rows = sequences × block). A step is
     * then ~1,000 small ops, and splitting each over two cores costs a wake-up of the second one per op
     * (OMP_WAIT_POLICY=PASSIVE, or a busy machine) about as large as what it saves. Measured on 2 cores
     * (docs/benchmarks.md, "Training"): nanoGPT's CPU recipe, 768 rows × 128 × 512 = 50 M, trains at the same
     * 19,000 tokens/s on one core as on two, with p95 / median step 1.03 instead of 1.1–1.4; the baby GPT,
     * 2,048 rows × 128 × 512 = 134 M, is 1.2× faster on two, so it keeps every core, as does anything with a
     * GPT-2 vocabulary (the head alone is rows × d × 50,257). CPU only.
     */
    boolean oneCore() {
        TrainingConfig.Training t = config.training();
        ModelConfig c = network.config();
        long rows = (long) batches.rowsPerBatch(t.batchSize()) * t.blockSize();
        long largest = rows * c.embeddingSize() * Math.max(c.ffnHiddenSize(), c.vocabSize());
        return largest <= ONE_CORE_MAX_PRODUCT && !manager.getDevice().isGpu() && !SingleThreadTorch.onPoolThread();
    }

    /** Largest product (multiply-adds) that trains on one core: 2²⁶, between the two measured recipes. */
    static final long ONE_CORE_MAX_PRODUCT = 1L << 26;

    private Outcome runHere(int fromStep, Double bestValSoFar) throws InterruptedException {
        TrainingConfig.Training t = config.training();
        bestVal = bestValSoFar;
        int step = fromStep;
        String reason = "Reached max_steps (" + t.maxSteps() + ")";
        while (step < t.maxSteps()) {
            control.waitWhilePaused();
            if (control.stopRequested()) {
                reason = "Stopped at step " + step;
                break;
            }
            step++;
            StepMetrics m = trainStep(step);
            if (!Double.isFinite(m.loss()) || !Double.isFinite(m.gradNorm())) {
                String last = checkpoints.list().isEmpty() ? "there is no earlier checkpoint"
                        : "the last good checkpoint is step " + checkpoints.list().get(checkpoints.list().size() - 1).step();
                String what = !Double.isFinite(m.loss())
                        ? String.format("The loss became %s at step %d", Double.isNaN(m.loss()) ? "NaN" : "infinite", step)
                        : String.format("The gradient norm became %s at step %d (loss %.4f)", Double.isNaN(m.gradNorm()) ? "NaN" : "infinite",
                        step, m.loss());
                return new Outcome(step, String.format("%s (learning rate %.2e); training stopped and %s. "
                        + "Try a lower learning_rate or stronger grad_clip.", what, m.lr(), last),
                        bestVal, true);
            }
            events.stepped(m);
            if (objective != null) {
                java.util.Map<String, Double> measured = objective.takeMetrics();
                if (!measured.isEmpty()) {
                    events.measured(step, measured);
                }
            }
            boolean last = step == t.maxSteps();
            if (step % t.evalInterval() == 0 || last) {
                evaluate(step);
                if (t.earlyStoppingPatience() > 0 && evalsWithoutImprovement >= t.earlyStoppingPatience()) {
                    reason = String.format("Early stopping at step %d: val loss has not improved for %d evaluations (best %.4f)",
                            step, evalsWithoutImprovement, bestVal);
                    checkpoint(step);
                    return new Outcome(step, reason, bestVal, false);
                }
            }
            if (step % config.sampling().interval() == 0 || last) {
                events.sampled(new Sample(step, sample(step)));
                java.util.Map<String, Double> sampledMeasures = sampler == null ? java.util.Map.of() : sampler.takeMeasures();
                if (!sampledMeasures.isEmpty()) {
                    events.measured(step, sampledMeasures);
                }
            }
            if (step % control.saveInterval(t.saveInterval()) == 0 || last) {
                checkpoint(step);
            }
        }
        if (step < t.maxSteps() && step > fromStep && step % control.saveInterval(t.saveInterval()) != 0) {
            checkpoint(step); // stopped between saves: keep the work
        }
        return new Outcome(step, reason, bestVal, false);
    }

    /** Forward and backward over the micro-batches, clipping, one AdamW update. */
    StepMetrics trainStep(int step) {
        TrainingConfig.Training t = config.training();
        double lr = schedule.at(step);
        long start = System.nanoTime();
        double loss;
        double norm;
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            loss = forwardBackward(step);
            norm = clipGradients(t.gradClip());
            if (Double.isFinite(norm) && Double.isFinite(loss)) {
                optimizer.update(lr);
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        Runtime rt = Runtime.getRuntime();
        long tokens = (long) t.batchSize() * t.blockSize() * t.gradientAccumulation();
        return new StepMetrics(step, loss, lr, norm, tokens / (millis / 1000), millis,
                (rt.totalMemory() - rt.freeMemory()) / 1048576.0, residentMb());
    }

    /**
     * Gradients of one optimizer step: k micro-batches, each loss divided by k, so the summed gradients are those of
     * the mean loss over all k·B sequences (what one k-times larger batch would give). Returns the mean loss.
     */
    /**
     * DJL's PyTorch gradient collector is one per process ("A PtGradientCollector is already collecting. Only one can be
     * collecting at a time"): two trainers stepping at once — a run, and the estimate timing a step of the next config
     * (see StepTimer), or a fine-tune beside a pre-training run — would fail one of them. So the backward passes take
     * turns; everything else of a step (optimizer, evaluation, samples) still runs in parallel.
     */
    private static final java.util.concurrent.locks.ReentrantLock GRADIENTS = new java.util.concurrent.locks.ReentrantLock();

    double forwardBackward(int step) {
        TrainingConfig.Training t = config.training();
        int b = batches.rowsPerBatch(t.batchSize());
        int block = t.blockSize();
        int k = t.gradientAccumulation();
        Engine.getInstance().setRandomSeed(seedFor(step, 0)); // dropout masks depend on (seed, step) only
        DropoutMasks.reseed(seedFor(step, 0));
        double lossSum = 0;
        GRADIENTS.lock();
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            for (int micro = 0; micro < k; micro++) {
                int width = batches.width(step, micro);
                int cols = width > 0 ? width : block;
                long[] x = new long[b * cols];
                long[] y = new long[b * cols];
                batches.fill(step, micro, x, y);
                NDArray ids = NativeArrays.longs(manager, x, new Shape(b, cols), manager.getDevice());
                NDArray mask = padding(batches.padding(), b, cols);
                NDArray loss = objective != null ? objective.loss(network, ps, ids, y, mask, manager, true)
                        : crossEntropy(network.logits(ps, ids, mask, true, null), y, manager);
                gc.backward(k == 1 ? loss : Scalars.over(loss, k));
                lossSum += loss.getFloat();
            }
        } finally {
            GRADIENTS.unlock();
        }
        return lossSum / k;
    }

    private NDArray padding(float[] padding, int b, int block) {
        return padding == null ? null : NativeArrays.floats(manager, padding, new Shape(b, block), manager.getDevice());
    }

    /** Mean cross-entropy: −log softmax(logits)[target], averaged over all B·T positions. */
    static NDArray crossEntropy(NDArray logits, NDArray targets) {
        long v = logits.getShape().tail();
        NDArray logProbs = logits.reshape(-1, v).logSoftmax(-1);
        return logProbs.gather(targets.reshape(-1, 1), 1).neg().mean(); // log-probability of each target
    }

    /**
     * Mean cross-entropy over the positions whose target is ≥ 0 (as PyTorch's cross_entropy with ignore_index): the
     * loss of a supervised fine-tuning batch is Σ over response tokens / their count, whatever the prompt and padding
     * lengths. E.g. targets [−1, −1, 7, 9]: (CE₂ + CE₃) / 2. All targets ≥ 0 is the plain mean above.
     */
    static NDArray crossEntropy(NDArray logits, long[] y, NDManager manager) {
        int counted = 0;
        for (long t : y) {
            if (t >= 0) {
                counted++;
            }
        }
        if (counted == y.length) {
            return crossEntropy(logits, NativeArrays.longs(manager, y, new Shape(y.length), manager.getDevice()));
        }
        if (counted == 0) {
            throw new IllegalArgumentException("A batch without a single token to learn (every target is a prompt or padding token).");
        }
        long[] clamped = new long[y.length];
        float[] weight = new float[y.length];
        for (int i = 0; i < y.length; i++) {
            clamped[i] = Math.max(0, y[i]);
            weight[i] = y[i] >= 0 ? 1f / counted : 0f;
        }
        long v = logits.getShape().tail();
        NDArray nll = logits.reshape(-1, v).logSoftmax(-1)
                .gather(NativeArrays.longs(manager, clamped, new Shape(y.length, 1), manager.getDevice()), 1).neg().reshape(-1);
        return nll.mul(NativeArrays.floats(manager, weight, new Shape(y.length), manager.getDevice())).sum();
    }

    /**
     * Global-norm clipping: the norm of all gradients as one vector, √Σ‖g‖²; if it exceeds {@code clip}, every
     * gradient is scaled by clip / norm, keeping the direction and bounding the step. Returns the norm before.
     */
    double clipGradients(double clip) {
        NDArray sum = null;
        List<NDArray> grads = new ArrayList<>(parameters.size());
        for (Parameter p : parameters) {
            NDArray g = p.getArray().getGradient();
            grads.add(g);
            NDArray sq = g.square().sum();
            sum = sum == null ? sq : sum.add(sq);
        }
        double norm = Math.sqrt(sum.getFloat());
        if (clip > 0 && norm > clip) {
            double coef = clip / (norm + 1e-6);
            grads.forEach(g -> Scalars.timesInPlace(g, coef));
        }
        return norm;
    }

    /** Mean loss and accuracy on the same {@code eval_batches} batches of train and of val every time. */
    EvalMetrics evaluate(int step) {
        double[] train = NoGrad.run(() -> measure(DataSplit.Part.TRAIN));
        double[] val = NoGrad.run(() -> measure(DataSplit.Part.VAL));
        lastTrain = train[0];
        lastVal = val[0];
        if (bestVal == null || val[0] < bestVal - config.training().earlyStoppingMinDelta()) {
            evalsWithoutImprovement = 0;
        } else {
            evalsWithoutImprovement++;
        }
        if (bestVal == null || val[0] < bestVal) {
            bestVal = val[0];
        }
        EvalMetrics e = new EvalMetrics(step, train[0], val[0], Math.exp(val[0]), val[1]);
        events.evaluated(e);
        return e;
    }

    private double[] measure(DataSplit.Part part) {
        TrainingConfig.Training t = config.training();
        Batches given = part == DataSplit.Part.TRAIN ? evalTrain : evalVal;
        int b = given != null ? given.rowsPerBatch(t.batchSize()) : t.batchSize();
        int block = t.blockSize();
        double loss = 0;
        double correct = 0;
        for (int i = 0; i < t.evalBatches(); i++) {
            int cols = given != null && given.width(i, 0) > 0 ? given.width(i, 0) : block;
            long[] x = new long[b * cols];
            long[] y = new long[b * cols];
            float[] pad = null;
            if (given != null) {
                given.fill(i, 0, x, y);
                pad = given.padding();
            } else {
                split.sample(data, part, new Random(config.seed() * 31 + (part == DataSplit.Part.TRAIN ? 1_000_000 : 2_000_000) + i), b, x, y);
            }
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray ids = NativeArrays.longs(manager, x, new Shape(b, cols), manager.getDevice());
                if (objective != null) { // e.g. DPO: its loss on held-out pairs, and the share ranked right
                    loss += objective.loss(network, ps, ids, y, padding(pad, b, cols), manager, false).getFloat();
                    correct += objective.accuracy(objective.takeMetrics());
                    continue;
                }
                NDArray logits = network.logits(ps, ids, padding(pad, b, cols), false, null);
                loss += crossEntropy(logits, y, manager).getFloat();
                correct += accuracy(logits, y);
            }
        }
        return new double[]{loss / t.evalBatches(), correct / t.evalBatches()};
    }

    /** The share of counted positions (target ≥ 0) whose most likely token is the target. */
    private double accuracy(NDArray logits, long[] y) {
        long[] predicted = logits.reshape(-1, logits.getShape().tail()).argMax(-1).toLongArray();
        int counted = 0;
        int right = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= 0) {
                counted++;
                right += predicted[i] == y[i] ? 1 : 0;
            }
        }
        return counted == 0 ? 0 : (double) right / counted;
    }

    /** Samples {@code length} tokens after the prompt: softmax(logits / temperature), drawn with a seeded random. */
    String sample(int step) {
        return NoGrad.run(() -> sampler != null ? sampler.sample(network, ps, manager, step) : sampleText(step));
    }

    private String sampleText(int step) {
        TrainingConfig.Sampling s = config.sampling();
        List<Integer> ids = new ArrayList<>();
        try {
            for (int id : tokenizer.encode(s.prompt())) {
                ids.add(id);
            }
        } catch (RuntimeException e) {
            events.warning("The sampling prompt cannot be encoded (" + e.getMessage() + "); sampling from token 0.");
        }
        if (ids.isEmpty()) {
            ids.add(0);
        }
        int promptLength = ids.size();
        Random random = new Random(seedFor(step, 999_983));
        int context = network.config().contextLength();
        for (int i = 0; i < s.length(); i++) {
            List<Integer> window = ids.subList(Math.max(0, ids.size() - context), ids.size());
            float[] logits;
            try (NDScope scope = new NDScope()) {
                scope.suppressNotUsedWarning();
                NDArray x = NativeArrays.longs(manager, window.stream().mapToLong(Integer::longValue).toArray(), new Shape(1, window.size()),
                        manager.getDevice());
                logits = network.logits(ps, x, null, false, null).get(new NDIndex("0, -1")).toFloatArray();
            }
            // the generator's own sampling: logits / T, softmax in double precision, one uniform draw
            for (int v = 0; v < logits.length; v++) {
                logits[v] /= (float) (double) s.temperature();
            }
            ids.add(Distributions.draw(Distributions.softmax(logits), random));
        }
        return tokenizer.decode(ids.subList(promptLength, ids.size()).stream().mapToInt(Integer::intValue).toArray());
    }

    private void checkpoint(int step) {
        Checkpoints.Meta meta = metaTemplate.at(step, optimizer.step(), lastVal, lastTrain);
        try {
            Checkpoints.Saved saved = checkpoints.save(meta, network, optimizer, extra);
            checkpoints.prune(config.training().keepBest());
            events.checkpointed(saved);
        } catch (IOException e) {
            List<Checkpoints.Saved> previous = checkpoints.list();
            events.checkpointFailed(step, "The checkpoint at step " + step + " could not be written (" + e.getMessage() + "); "
                    + (previous.isEmpty() ? "no earlier checkpoint exists." : "the previous one (step "
                    + previous.get(previous.size() - 1).step() + ") is intact.") + " Training goes on.");
        }
    }

    public Double bestValLoss() {
        return bestVal;
    }

    /** A seed for (run seed, step, stream): different streams never share randomness, the same step always does. */
    int seedFor(int step, int stream) {
        long h = config.seed() * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + stream * 0x94D049BB133111EBL;
        return (int) (h ^ (h >>> 32));
    }

    static double residentMb() {
        return org.llmplayground.core.ProcessMemory.residentOrHeapMb();
    }
}
