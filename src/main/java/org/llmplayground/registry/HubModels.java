package org.llmplayground.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.core.hub.HubClient;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.model.ModelService;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Models from the Hugging Face Hub: list a model repository's files, and download what an import needs — config.json,
 * the safetensors weights (one file, or the shards and their index) and the tokenizer files — as a job with progress,
 * resume and sha256 checks (the shared {@link HubClient}), into {@code imports/hub-<owner>--<name>[@rev]}; the job
 * then imports the folder through the existing importer, so the model appears in the registry as "downloaded".
 * <p>
 * Before any weight is fetched the job reads config.json and refuses an architecture the importer cannot read, and
 * checks the free disk space, so a 5 GB download never starts only to fail at the end. The endpoint and token are the
 * Data lab's ({@code playground.hub.endpoint}, {@code playground.hub.token}, or HF_ENDPOINT / HF_TOKEN); a token given
 * with a request is used for that download only, held in memory, never logged or stored.
 */
@Singleton
public class HubModels {
    public static final String JOB_KIND = "model-download";
    /** What the importer reads besides the weights. */
    static final Set<String> SIDE_FILES = Set.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.json", "merges.txt", "model.safetensors.index.json");
    static final Set<String> SUPPORTED = Set.of("gpt2", "llama");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelService models;
    private final JobRunner jobs;
    private final String endpoint;
    private final String defaultToken;

    /** A repository file as the download dialog shows it: whether the import needs it. */
    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    public record RepoFile(String path, long size, @Nullable String sha256, boolean needed) {
    }

    @Serdeable(naming = io.micronaut.serde.config.naming.SnakeCaseStrategy.class)
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false)
    public record DownloadRequest(String repo, @Nullable String revision, @Nullable String token) {
        @Override
        public String toString() {
            return "DownloadRequest[" + repo + "@" + revision + (token == null ? "" : ", token set") + "]";
        }
    }

    public HubModels(ModelService models, JobRunner jobs, @Value("${playground.hub.endpoint:}") String endpoint,
                     @Value("${playground.hub.token:}") String defaultToken) {
        this.models = models;
        this.jobs = jobs;
        this.endpoint = HubClient.endpoint(endpoint);
        this.defaultToken = HubClient.token(defaultToken);
    }

    private HubClient client(@Nullable String token) {
        return new HubClient(HubClient.Repo.MODEL, endpoint, token == null || token.isBlank() ? defaultToken : token, Duration.ofSeconds(30));
    }

    /** The repository's files, each marked whether an import needs it. */
    public List<RepoFile> files(String repo, @Nullable String revision, @Nullable String token) {
        List<HubClient.HubFile> listed = client(token).files(repo, HubClient.revision(revision));
        List<String> needed = needed(repo, listed).stream().map(HubClient.HubFile::path).toList();
        return listed.stream().map(f -> new RepoFile(f.path(), f.size(), f.sha256(), needed.contains(f.path()))).toList();
    }

    /**
     * What an import needs: config.json, the side files, and the weights — every *.safetensors at the top level (a
     * single file or the shards an index names). PyTorch .bin weights are refused: unpickling runs code.
     */
    static List<HubClient.HubFile> needed(String repo, List<HubClient.HubFile> listed) {
        if (listed.stream().noneMatch(f -> f.path().equals("config.json"))) {
            throw new BadInputException(repo + " has no config.json at its top level, so it is not a transformers model the importer can read.");
        }
        List<HubClient.HubFile> weights = listed.stream().filter(f -> !f.path().contains("/") && f.path().endsWith(".safetensors")).toList();
        if (weights.isEmpty()) {
            boolean bin = listed.stream().anyMatch(f -> f.path().endsWith(".bin"));
            throw new BadInputException(repo + " has no .safetensors weights" + (bin ? " (only PyTorch .bin files, which are pickles that "
                    + "can run code when read; the importer reads safetensors only)" : "") + ".");
        }
        List<HubClient.HubFile> out = new ArrayList<>(listed.stream().filter(f -> SIDE_FILES.contains(f.path())).toList());
        out.addAll(weights);
        out.sort(Comparator.comparing((HubClient.HubFile f) -> !f.path().equals("config.json")).thenComparing(HubClient.HubFile::path));
        return out;
    }

    /** The imports folder a repository downloads into: "openai-community/gpt2" → "hub-openai-community--gpt2". */
    static String folder(String repo, String revision) {
        return "hub-" + repo.replace("/", "--") + ("main".equals(revision) ? "" : "@" + revision);
    }

    /** Downloads what the import needs as a job and imports it; the job's result is the new model's id. */
    public JobRecord startDownload(DownloadRequest r) {
        if (r == null || r.repo() == null || r.repo().isBlank()) {
            throw new BadInputException("Give a model repository id, like 'openai-community/gpt2'.");
        }
        String repo = r.repo().strip();
        String rev = HubClient.revision(r.revision());
        HubClient hub = client(r.token());
        List<HubClient.HubFile> chosen = needed(repo, hub.files(repo, rev)); // 404 / 401 answered before a job exists
        String name = folder(repo, rev);
        Path dir = Workspace.resolveInside(models.importsFolder(), name);
        long total = Math.max(1, chosen.stream().mapToLong(f -> Math.max(0, f.size())).sum());
        checkSpace(dir, total);
        return jobs.submit(JOB_KIND, "Download " + repo + "@" + rev + " (" + chosen.size() + " files, " + CorpusStore.humanBytes(total) + ")",
                "data", ctx -> {
                    long before = 0;
                    for (HubClient.HubFile f : chosen) {
                        long base = before;
                        try {
                            hub.download(repo, rev, f, dir.resolve(f.path()), (bytes, all) -> ctx.progress(Math.min(0.99, (double) (base + bytes) / total),
                                    f.path() + ": " + CorpusStore.humanBytes(bytes) + (all > 0 ? " of " + CorpusStore.humanBytes(all) : "")), ctx::isCancelled);
                        } catch (BadInputException e) {
                            ctx.checkCancelled(); // a cancel shows as cancelled; the .part file stays for a resume
                            throw e;
                        }
                        if (f.path().equals("config.json")) {
                            checkArchitecture(repo, dir.resolve("config.json"));
                        }
                        before += Math.max(0, f.size());
                    }
                    ctx.progress(0.99, "Importing " + name);
                    return models.importWeights(name).id();
                });
    }

    /** Refuses an architecture the importer cannot read, before the weights are fetched. */
    static void checkArchitecture(String repo, Path config) throws IOException {
        JsonNode c;
        try {
            c = JSON.readTree(Files.readString(config));
        } catch (IOException e) {
            throw new BadInputException(repo + ": config.json is not valid JSON (" + e.getMessage() + ").");
        }
        String type = c.path("model_type").asText("");
        if (!SUPPORTED.contains(type)) {
            throw new BadInputException(repo + " is a '" + (type.isEmpty() ? "?" : type) + "' model; the importer reads gpt2 and llama "
                    + "architectures only, so nothing else was downloaded.");
        }
    }

    /** Refuses a download that would not fit on the disk (with 5 % and 64 MB to spare). */
    static void checkSpace(Path dir, long bytes) {
        try {
            Path existing = dir;
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            long free = existing == null ? Long.MAX_VALUE : Files.getFileStore(existing).getUsableSpace();
            long need = bytes + bytes / 20 + (64L << 20);
            if (free < need) {
                throw new BadInputException("Not enough disk space: the download needs " + CorpusStore.humanBytes(need) + " and "
                        + CorpusStore.humanBytes(free) + " are free. Delete models or runs (Models page) and try again.", 507);
            }
        } catch (IOException e) {
            throw new BadInputException("Cannot check the free disk space: " + e.getMessage(), 500);
        }
    }
}
