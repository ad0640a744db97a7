package org.llmplayground.registry;

import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.model.LoadedModel;
import org.llmplayground.model.ModelService;
import org.llmplayground.training.Checkpoints;
import org.llmplayground.training.TrainingQueries;
import org.llmplayground.training.TrainingRun;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The checkpoints of every training run (pre-training, fine-tuning, reward model, DPO — all go through the training
 * engine), with step, losses and size; a checkpoint opens as a model (Generation, Chat, Evaluation pick it up from the
 * registry), is promoted to a named model that outlives its run (copied into imports/, so deleting the run keeps it),
 * or is deleted with the space it took. The latest checkpoint of an active run is what a resume needs: refused.
 */
@Singleton
public class CheckpointBrowser {
    private final TrainingQueries training;
    private final ModelService models;

    public CheckpointBrowser(TrainingQueries training, ModelService models) {
        this.training = training;
        this.models = models;
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record Checkpoint(String run, String runName, String runState, int step, @Nullable Double trainLoss, @Nullable Double valLoss,
                             long sizeBytes, String modelId, boolean open) {
    }

    public List<Checkpoint> list(@Nullable String runId) {
        List<String> loaded = models.models().stream().map(LoadedModel.ModelInfo::id).toList();
        List<Checkpoint> out = new ArrayList<>();
        for (TrainingRun r : training.runs()) {
            if (runId != null && !runId.isBlank() && !r.id().equals(runId)) {
                continue;
            }
            for (Checkpoints.Saved s : training.checkpoints(r.id())) {
                Double trainLoss = null;
                try {
                    trainLoss = Checkpoints.readMeta(Path.of(s.path())).trainLoss();
                } catch (IOException ignored) {
                    // a checkpoint whose meta cannot be read still lists, without its train loss
                }
                String modelId = TrainingQueries.checkpointModelId(r.id(), s.step());
                out.add(new Checkpoint(r.id(), r.name(), r.state().name().toLowerCase(java.util.Locale.ROOT), s.step(), trainLoss, s.valLoss(),
                        Workspace.bytesUnder(Path.of(s.path())), modelId, loaded.contains(modelId)));
            }
        }
        return out;
    }

    public LoadedModel.ModelInfo open(String runId, int step) {
        return training.openAsModel(runId, step);
    }

    /**
     * Copies a checkpoint into {@code imports/<name>} and loads it as model "import-&lt;name&gt;", which stays when the
     * run is deleted. The name must be new.
     */
    public LoadedModel.ModelInfo promote(String runId, int step, String name) {
        if (name == null || !name.strip().matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}")) {
            throw new BadInputException("Name the model with 1 to 60 letters, digits, spaces, '.', '_' or '-' (starting with a letter or digit).");
        }
        String n = name.strip();
        Path source = checkpointPath(runId, step);
        Path target = Workspace.resolveInside(models.importsFolder(), n);
        if (Files.exists(target)) {
            throw BadInputException.conflict("A model named '" + n + "' exists in imports/ already; choose another name.");
        }
        try {
            Path tmp = Workspace.resolveInside(models.importsFolder(), n + Workspace.UNFINISHED);
            Checkpoints.deleteTree(tmp);
            Files.createDirectories(tmp);
            for (String f : List.of("model.safetensors", "checkpoint.json")) { // not the optimizer: a model, not a resume point
                Files.copy(source.resolve(f), tmp.resolve(f));
            }
            Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy the checkpoint: " + e.getMessage(), e);
        }
        return models.importWeights(n);
    }

    /** Deletes a checkpoint; returns the bytes freed. The latest checkpoint of an active run is refused. */
    public long delete(String runId, int step) {
        TrainingRun run = training.run(runId);
        Path dir = checkpointPath(runId, step);
        List<Checkpoints.Saved> all = training.checkpoints(runId);
        if (run.state().isActive() && all.get(all.size() - 1).step() == step) {
            throw BadInputException.conflict("'" + run.name() + "' is " + run.state().name().toLowerCase(java.util.Locale.ROOT)
                    + " and resumes from its latest checkpoint (step " + step + "); stop it first, or delete an older one.");
        }
        String id = TrainingQueries.checkpointModelId(runId, step);
        if (models.models().stream().anyMatch(i -> i.id().equals(id))) {
            models.unload(id); // refused while a job uses it: the checkpoint then stays too
        }
        long freed = Workspace.bytesUnder(dir);
        try {
            Checkpoints.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete the checkpoint: " + e.getMessage(), e);
        }
        return freed;
    }

    private Path checkpointPath(String runId, int step) {
        return training.checkpoints(runId).stream().filter(s -> s.step() == step).findFirst().map(s -> Path.of(s.path()))
                .orElseThrow(() -> BadInputException.notFound("Run '" + runId + "' has no checkpoint at step " + step + "."));
    }
}
