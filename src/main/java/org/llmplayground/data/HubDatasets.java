package org.llmplayground.data;

import org.llmplayground.corpus.CorpusStore;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;
import org.llmplayground.core.hub.HubClient;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Hugging Face Hub datasets as a source: list a dataset's files at a revision, and download chosen files as a job
 * (progress, cancel, resume) into {@code datasets/hub/<dataset>/<revision>/<path>}, where the Data lab then reads
 * them like any local file. The endpoint is {@code playground.hub.endpoint} (default: the {@code HF_ENDPOINT}
 * environment variable, else https://huggingface.co) and the token {@code playground.hub.token} (default:
 * {@code HF_TOKEN}) unless a request brings its own; tokens are sent as a header and never stored or logged.
 */
@Singleton
public class HubDatasets {
    public static final String JOB_KIND = "data-download";
    private final DatasetFiles files;
    private final JobRunner jobs;
    private final String endpoint;
    private final String defaultToken;

    /** Which files of which dataset to fetch; {@code token} overrides the configured one for this request only. */
    @Serdeable
    @com.fasterxml.jackson.annotation.JsonIgnoreProperties(ignoreUnknown = false) // unknown fields: a 400 that names them
    public record LoadRequest(String dataset, @Nullable String revision, List<String> files, @Nullable String token) {
        @Override
        public String toString() {
            return "LoadRequest[" + dataset + "@" + revision + ", " + files + (token == null ? "" : ", token set") + "]";
        }
    }

    public HubDatasets(DatasetFiles files, JobRunner jobs, @Value("${playground.hub.endpoint:}") String endpoint,
                       @Value("${playground.hub.token:}") String defaultToken) {
        this.files = files;
        this.jobs = jobs;
        this.endpoint = HubClient.endpoint(endpoint);
        this.defaultToken = HubClient.token(defaultToken);
    }

    public String endpoint() {
        return endpoint;
    }

    private HubClient client(@Nullable String token) {
        return new HubClient(endpoint, token == null || token.isBlank() ? defaultToken : token, Duration.ofSeconds(30));
    }

    /** The dataset's files at {@code revision} (default "main"). */
    public List<HubClient.HubFile> files(String dataset, @Nullable String revision, @Nullable String token) {
        return client(token).files(dataset, HubClient.revision(revision));
    }

    /** Downloads the chosen files as a job; its result is the first file's path in the datasets folder. */
    public JobRecord startDownload(LoadRequest r) {
        if (r.files() == null || r.files().isEmpty()) {
            throw new BadInputException("Choose at least one file of the dataset to download.");
        }
        String rev = HubClient.revision(r.revision());
        HubClient hub = client(r.token());
        Map<String, HubClient.HubFile> listed = hub.files(r.dataset(), rev).stream()
                .collect(Collectors.toMap(HubClient.HubFile::path, Function.identity(), (a, b) -> a));
        List<HubClient.HubFile> chosen = new ArrayList<>();
        for (String f : r.files()) {
            HubClient.HubFile hf = listed.get(f);
            if (hf == null) {
                throw new BadInputException("The dataset " + r.dataset() + "@" + rev + " has no file '" + f + "'.");
            }
            DatasetFiles.formatOf(f); // refuse unreadable types before downloading them
            chosen.add(hf);
        }
        long total = Math.max(1, chosen.stream().mapToLong(f -> Math.max(0, f.size())).sum());
        return jobs.submit(JOB_KIND, "Download " + r.dataset() + "@" + rev + " (" + chosen.size() + " files)", "data", ctx -> {
            List<DatasetFiles.FileInfo> done = new ArrayList<>();
            long before = 0;
            for (HubClient.HubFile f : chosen) {
                String relative = "hub/" + r.dataset() + "/" + rev + "/" + f.path();
                Path target = Workspace.resolveInside(files.dir(), relative);
                long base = before;
                try {
                    hub.download(r.dataset(), rev, f, target, (bytes, all) -> ctx.progress(Math.min(1, (double) (base + bytes) / total),
                            f.path() + ": " + CorpusStore.humanBytes(bytes) + (all > 0 ? " of " + CorpusStore.humanBytes(all) : "")), ctx::isCancelled);
                } catch (BadInputException e) {
                    ctx.checkCancelled(); // a cancel shows as cancelled, not failed; the .part file stays for a resume
                    throw e;
                }
                before += Math.max(0, f.size());
                done.add(files.list().stream().filter(i -> i.path().equals(relative)).findFirst()
                        .orElse(new DatasetFiles.FileInfo(relative, target.toFile().length(), DatasetFiles.formatOf(f.path()), f.path().endsWith(".gz"))));
                ctx.publish(List.copyOf(done));
            }
            ctx.progress(1, done.size() + " files downloaded");
            return done.get(0).path();
        });
    }
}
