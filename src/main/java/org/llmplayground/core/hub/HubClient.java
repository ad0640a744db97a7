package org.llmplayground.core.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.llmplayground.core.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A Hugging Face Hub client for the files of a dataset or model repository, over the Hub's public HTTP URLs:
 * <pre>
 *   GET {endpoint}/api/datasets/{id}/tree/{revision}?recursive=true      a dataset's files, with size and LFS sha256
 *   GET {endpoint}/datasets/{id}/resolve/{revision}/{path}                a file (redirects to the CDN)
 *   GET {endpoint}/api/models/{id}/tree/{revision}?recursive=true        a model's files
 *   GET {endpoint}/{id}/resolve/{revision}/{path}                         (models have no prefix in file URLs)
 * </pre>
 * The endpoint is configurable, as the {@code HF_ENDPOINT} variable is for the Python client, so tests (and mirrors)
 * can point it elsewhere. A token, if given, is sent as {@code Authorization: Bearer} and never logged.
 * <p>
 * Downloads go to {@code target.part}; an interrupted download resumes from there with a {@code Range} request,
 * and only a file whose size and sha256 check out is moved into place, atomically. A checksum mismatch deletes the
 * partial file, so nothing corrupt is ever left under the target name.
 */
public final class HubClient {
    private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpUrl endpoint;
    private final String token;
    private final OkHttpClient http;
    private final Repo repo;

    /** The two kinds of repository, with the path prefixes of their listing and file URLs. */
    public enum Repo {
        DATASET("api/datasets", "datasets", "dataset", "'wikitext' or 'allenai/c4'"),
        MODEL("api/models", null, "model", "'gpt2' or 'openai-community/gpt2'");
        final String api;
        final String files;
        final String noun;
        final String example;

        Repo(String api, String files, String noun, String example) {
            this.api = api;
            this.files = files;
            this.noun = noun;
            this.example = example;
        }
    }

    /** A file of a dataset repository: path, size, and the sha256 of its content when the Hub knows it (LFS files). */
    @io.micronaut.serde.annotation.Serdeable
    public record HubFile(String path, long size, String sha256) {
    }

    /** Progress of a download: bytes so far and the total (−1 when unknown). */
    public interface Progress {
        void update(long bytes, long total);

        Progress NONE = (b, t) -> {
        };
    }

    public HubClient(String endpoint, String token, Duration timeout) {
        this(Repo.DATASET, endpoint, token, timeout);
    }

    public HubClient(Repo repo, String endpoint, String token, Duration timeout) {
        this.repo = repo;
        HttpUrl url = HttpUrl.parse(endpoint);
        if (url == null) {
            throw new BadInputException("The Hub endpoint '" + endpoint + "' is not a URL.");
        }
        this.endpoint = url;
        this.token = token == null || token.isBlank() ? null : token.strip();
        this.http = new OkHttpClient.Builder().connectTimeout(timeout).readTimeout(timeout).followRedirects(true).build();
    }

    /**
     * The Hub endpoint: the configured one, else the {@code HF_ENDPOINT} variable (as the Python client reads it), else
     * https://huggingface.co.
     */
    public static String endpoint(String configured) {
        String env = System.getenv("HF_ENDPOINT");
        return configured != null && !configured.isBlank() ? configured.strip()
                : env != null && !env.isBlank() ? env.strip() : "https://huggingface.co";
    }

    /** The default token: the configured one, else the {@code HF_TOKEN} variable; may be null. */
    public static String token(String configured) {
        return configured == null || configured.isBlank() ? System.getenv("HF_TOKEN") : configured;
    }

    /** A revision to ask for: "main" when blank; a branch, tag or commit name, never a path. */
    public static String revision(String r) {
        String rev = r == null || r.isBlank() ? "main" : r.strip();
        if (!rev.matches("[\\w.-]+") || rev.contains("..")) {
            throw new BadInputException("'" + rev + "' is not a revision (a branch, tag or commit like 'main' or 'v1.0').");
        }
        return rev;
    }

    @Override
    public String toString() {
        return "HubClient[" + endpoint + (token == null ? "" : ", token set") + "]"; // never the token itself
    }

    /**
     * A repository path as the Hub lists it: relative segments of printable characters, none empty, "." or "..",
     * no backslash: "data/train-00000.parquet" yes; "../../uploads/x.txt", "/etc/x", "a//b", "a\\b" no.
     */
    static boolean safePath(String path) {
        if (path == null || path.isEmpty() || path.length() > 1000 || path.startsWith("/") || path.contains("\\")
                || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return false;
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** Every file of a repository at a revision (a branch, tag or commit). Entries with unsafe paths are left out. */
    public List<HubFile> files(String dataset, String revision) {
        HttpUrl url = endpoint.newBuilder().addPathSegments(repo.api).addPathSegments(checkId(dataset)).addPathSegment("tree")
                .addPathSegment(revision).addQueryParameter("recursive", "true").build();
        try (Response r = http.newCall(request(url).build()).execute()) {
            check(r, dataset);
            List<HubFile> out = new ArrayList<>();
            for (JsonNode n : JSON.readTree(r.body().byteStream())) {
                if ("file".equals(n.path("type").asText())) {
                    if (!safePath(n.path("path").asText())) {
                        // a listing is the Hub's word, not ours: a path that climbs out ("../../uploads/x") would be
                        // resolved into the URL that carries the token, and into a file name here
                        LOG.warn("Skipped a file of {} whose listed path is unsafe: {}", dataset, n.path("path").asText().replaceAll("\\p{Cntrl}", "?"));
                        continue;
                    }
                    JsonNode lfs = n.get("lfs");
                    out.add(new HubFile(n.path("path").asText(), n.path("size").asLong(-1), lfs == null ? null : lfs.path("oid").asText(null)));
                }
            }
            return out;
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /**
     * Downloads one file to {@code target}, resuming a previous partial download. Returns the target.
     *
     * @param expected size and sha256 to verify (either may be unknown: −1 / null)
     */
    public Path download(String dataset, String revision, HubFile expected, Path target, Progress progress, BooleanSupplier cancelled) {
        HttpUrl.Builder b = endpoint.newBuilder();
        if (repo.files != null) {
            b.addPathSegment(repo.files);
        }
        HttpUrl url = b.addPathSegments(checkId(dataset)).addPathSegment("resolve").addPathSegment(revision)
                .addPathSegments(expected.path()).build();
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.createDirectories(target.getParent());
            long have = Files.exists(part) ? Files.size(part) : 0;
            Request.Builder req = request(url);
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            try (Response r = http.newCall(req.build()).execute()) {
                if (have > 0 && r.code() == 416) { // nothing left to fetch
                    return finish(part, target, expected);
                }
                check(r, dataset + "/" + expected.path());
                boolean resumed = have > 0 && r.code() == 206;
                if (!resumed) {
                    have = 0; // the server sent the whole file: start over
                }
                ResponseBody body = r.body();
                long total = body.contentLength() < 0 ? -1 : have + body.contentLength();
                try (InputStream in = body.byteStream(); OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE,
                        resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        if (cancelled.getAsBoolean()) {
                            throw new BadInputException("Download of " + expected.path() + " cancelled after " + have
                                    + " bytes; the partial file is kept and the next download resumes from it.", 409);
                        }
                        out.write(buf, 0, n);
                        have += n;
                        progress.update(have, total);
                    }
                }
            }
            return finish(part, target, expected);
        } catch (IOException e) {
            throw new BadInputException("Download of " + expected.path() + " was interrupted (" + e.getMessage() + "); the partial file "
                    + "is kept and the next download resumes from it.", 502);
        }
    }

    /** Verifies the complete .part file and moves it into place, or deletes it when it is corrupt. */
    private Path finish(Path part, Path target, HubFile expected) throws IOException {
        long size = Files.size(part);
        if (expected.size() >= 0 && size != expected.size()) {
            if (size > expected.size()) {
                Files.delete(part);
            }
            throw new BadInputException("Download of " + expected.path() + " has " + size + " bytes, the Hub lists " + expected.size()
                    + (size > expected.size() ? "; the partial file was deleted." : "; run it again to resume."), 502);
        }
        if (expected.sha256() != null) {
            String actual = sha256(part);
            if (!actual.equalsIgnoreCase(expected.sha256())) {
                Files.delete(part);
                throw new BadInputException("Checksum mismatch for " + expected.path() + ": expected sha256 " + expected.sha256() + ", got "
                        + actual + ". The download was deleted; run it again.", 502);
            }
        }
        Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) >= 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Request.Builder request(HttpUrl url) {
        Request.Builder b = new Request.Builder().url(url).header("User-Agent", "llm-playground");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private void check(Response r, String what) {
        if (r.isSuccessful()) {
            return;
        }
        String hint = switch (r.code()) {
            case 401, 403 -> "the Hub refused access (a gated or private " + repo.noun + " needs a token with access to it)";
            case 404 -> "the Hub has no such " + repo.noun + ", revision or file";
            case 429 -> "the Hub is rate-limiting requests; wait and try again";
            default -> r.code() >= 500 ? "the Hub had an error; try again later" : "unexpected answer";
        };
        throw new BadInputException(what + ": HTTP " + r.code() + ", " + hint + ".", r.code() == 404 ? 404 : 502);
    }

    private String checkId(String dataset) {
        if (dataset == null || !dataset.matches("[A-Za-z0-9][\\w.-]*(/[\\w.-]+)?") || dataset.contains("..")) {
            throw new BadInputException("'" + dataset + "' is not a " + repo.noun + " id (like " + repo.example + ").");
        }
        return dataset;
    }

    private BadInputException unreachable(IOException e) {
        return new BadInputException("The Hub at " + endpoint + " cannot be reached: " + e.getMessage(), 502);
    }
}
