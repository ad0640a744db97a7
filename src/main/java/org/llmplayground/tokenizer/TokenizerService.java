package org.llmplayground.tokenizer;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.jobs.JobEvent;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.Subscription;
import org.llmplayground.corpus.CorpusStore;
import org.llmplayground.corpus.PreCleaner;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Tokenizer lab's one service: the view and the REST API both call these methods, so they always agree.
 * Bad input (empty text, unknown tokenizer, invalid ids, a name that is taken) is a {@link BadInputException} whose
 * message the UI shows and the API returns as JSON.
 */
@Singleton
public class TokenizerService {
    /** Detailed tokens returned by default; ids are always complete. */
    public static final int DEFAULT_DETAIL = 100_000;

    private final TokenizerRegistry registry;
    private final CorpusStore corpora;
    private final VocabularyTrainer trainer;
    private final PreCleaner cleaner = new PreCleaner();
    private final int maxChars;

    TokenizerService(TokenizerRegistry registry, CorpusStore corpora, VocabularyTrainer trainer,
                     @Value("${playground.tokenizer.max-chars:10485760}") int maxChars) {
        this.registry = registry;
        this.corpora = corpora;
        this.trainer = trainer;
        this.maxChars = maxChars;
    }

    public List<TokenizerInfo> tokenizers() {
        return registry.list();
    }

    public TokenizerInfo tokenizer(String id) {
        return registry.info(id);
    }

    public int maxChars() {
        return maxChars;
    }

    /**
     * Tokenizes {@code text}: all ids, plus the first {@code maxDetail} tokens with strings and offsets.
     * With pre-cleaning on, the cleaned text is what gets tokenized (and what the offsets refer to).
     */
    public Tokenization encode(String text, String tokenizerId, boolean allowSpecial, PreCleaner.Options clean, int maxDetail) {
        checkText(text);
        TextTokenizer tokenizer = registry.get(tokenizerId);
        PreCleaner.Result cleaned = clean.any() ? cleaner.clean(text, clean) : new PreCleaner.Result(text, List.of());
        String input = cleaned.text();
        int[] ids = tokenizer.encode(input, allowSpecial);
        List<Token> detail = detail(tokenizer, input, allowSpecial, ids, Math.max(0, maxDetail));
        List<Tokenization.TokenView> views = new ArrayList<>(detail.size());
        for (Token t : detail) {
            views.add(view(tokenizer, t));
        }
        long bytes = input.getBytes(StandardCharsets.UTF_8).length;
        return new Tokenization(tokenizer.id(), tokenizer.vocabSize(), ids, views, views.size() < ids.length,
                Tokenization.TokenStats.of(input, bytes, ids.length), lengthHistogram(tokenizer, counts(ids)), cleaned.changes(),
                clean.any() ? input : null);
    }

    /**
     * The first {@code limit} tokens with positions. For a long text only a prefix is tokenized in detail: chunks
     * before the prefix's last two are exactly those of the whole text, and the ids are checked against the full
     * encoding (if they ever differ, the whole text is tokenized instead).
     */
    private static List<Token> detail(TextTokenizer tokenizer, String text, boolean allowSpecial, int[] ids, int limit) {
        if (limit == 0) {
            return List.of();
        }
        int prefixChars = (int) Math.min(text.length(), (long) limit * 24 + 4096);
        if (prefixChars < text.length() && ids.length > limit) {
            List<Token> prefix = tokenizer.tokenize(text.substring(0, prefixChars), allowSpecial);
            int safeChunk = prefix.isEmpty() ? 0 : prefix.get(prefix.size() - 1).chunk() - 1;
            List<Token> kept = prefix.stream().filter(t -> t.chunk() < safeChunk).limit(limit).toList();
            boolean consistent = kept.size() == limit;
            for (int i = 0; consistent && i < kept.size(); i++) {
                consistent = kept.get(i).id() == ids[i];
            }
            if (consistent) {
                return kept;
            }
        }
        List<Token> all = tokenizer.tokenize(text, allowSpecial);
        return all.size() > limit ? all.subList(0, limit) : all;
    }

    private static Tokenization.TokenView view(TextTokenizer tokenizer, Token t) {
        byte[] bytes = tokenizer.tokenBytes(t.id());
        return new Tokenization.TokenView(t.id(), new String(bytes, StandardCharsets.UTF_8), hex(bytes), t.start(), t.end(),
                t.chunk(), t.special());
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 3);
        for (byte b : bytes) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString().toUpperCase();
    }

    /** Decoded text and the text of each token. */
    public record Decoded(String text, List<String> tokens) {
    }

    public Decoded decode(List<Integer> ids, String tokenizerId) {
        if (ids == null) {
            throw new BadInputException("No token ids given: send \"ids\": [15496, 995] for example ([] decodes to \"\").");
        }
        TextTokenizer tokenizer = registry.get(tokenizerId);
        int[] array = new int[ids.size()];
        List<String> tokens = new ArrayList<>(ids.size());
        for (int i = 0; i < array.length; i++) {
            Integer id = ids.get(i);
            if (id == null) {
                throw new BadInputException("Token id at position " + i + " is null.");
            }
            array[i] = id;
            tokens.add(new String(bytesOf(tokenizer, id, i), StandardCharsets.UTF_8));
        }
        return new Decoded(tokenizer.decode(array), tokens);
    }

    private static byte[] bytesOf(TextTokenizer tokenizer, int id, int position) {
        try {
            return tokenizer.tokenBytes(id);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(String.format("Token id %d at position %d is not in the vocabulary of %s (ids 0..%d).",
                    id, position, tokenizer.id(), tokenizer.vocabSize() - 1));
        }
    }

    /** The same text through 2 to 4 tokenizers, in the order given. */
    public List<Tokenization> compare(String text, List<String> tokenizerIds, boolean allowSpecial, int maxDetail) {
        List<String> distinct = tokenizerIds == null ? List.of() : List.copyOf(new LinkedHashSet<>(tokenizerIds));
        if (distinct.size() < 2 || distinct.size() > 4) {
            throw new BadInputException("Pick 2 to 4 different tokenizers to compare (got " + distinct.size() + ").");
        }
        checkText(text);
        distinct.forEach(registry::get); // unknown names fail before any work
        return distinct.stream().map(id -> encode(text, id, allowSpecial, PreCleaner.Options.NONE, maxDetail)).toList();
    }

    public CostEstimate estimateCost(String text, String tokenizerId, double pricePer1k) {
        if (!(pricePer1k >= 0) || pricePer1k > 1_000_000) {
            throw new BadInputException("The price per 1K tokens must be between 0 and 1,000,000 (got " + pricePer1k + ").");
        }
        checkText(text);
        return CostEstimate.of(tokenizerId, registry.get(tokenizerId).encode(text, true).length, pricePer1k);
    }

    /**
     * Coverage of a corpus (by id) or of a given text: token count, compression, share of the vocabulary used, the
     * {@code top} most frequent tokens and the token length histogram.
     */
    public CoverageReport coverage(String corpusId, String text, String tokenizerId, int top) {
        String corpus = corpusId != null && !corpusId.isBlank() ? corpusId : "text";
        String input = corpusId != null && !corpusId.isBlank() ? corpora.read(corpusId) : text;
        if (input == null || input.isEmpty()) {
            throw new BadInputException("Nothing to measure: give a corpus id or a non-empty text.");
        }
        TextTokenizer tokenizer = registry.get(tokenizerId);
        int[] ids = tokenizer.encode(input, true);
        Map<Integer, long[]> counts = counts(ids);
        List<CoverageReport.TokenCount> topTokens = new ArrayList<>();
        counts.entrySet().stream()
                .sorted((a, b) -> a.getValue()[0] != b.getValue()[0] ? Long.compare(b.getValue()[0], a.getValue()[0]) : Integer.compare(a.getKey(), b.getKey()))
                .limit(Math.max(1, Math.min(top, 1000)))
                .forEach(e -> topTokens.add(new CoverageReport.TokenCount(e.getKey(),
                        new String(tokenizer.tokenBytes(e.getKey()), StandardCharsets.UTF_8), e.getValue()[0],
                        (double) e.getValue()[0] / ids.length)));
        long bytes = input.getBytes(StandardCharsets.UTF_8).length;
        return new CoverageReport(tokenizer.id(), corpus, Tokenization.TokenStats.of(input, bytes, ids.length), counts.size(),
                tokenizer.vocabSize(), (double) counts.size() / tokenizer.vocabSize(), topTokens, lengthHistogram(tokenizer, counts));
    }

    /** How often each id occurs. */
    private static Map<Integer, long[]> counts(int[] ids) {
        Map<Integer, long[]> counts = new HashMap<>();
        for (int id : ids) {
            counts.computeIfAbsent(id, k -> new long[1])[0]++;
        }
        return counts;
    }

    /** Tokens per length in bytes, shortest first. */
    private static List<LengthBin> lengthHistogram(TextTokenizer tokenizer, Map<Integer, long[]> counts) {
        Map<Integer, long[]> byLength = new java.util.TreeMap<>();
        counts.forEach((id, c) -> byLength.computeIfAbsent(tokenizer.tokenBytes(id).length, k -> new long[1])[0] += c[0]);
        return byLength.entrySet().stream().map(e -> new LengthBin(e.getKey(), e.getValue()[0])).toList();
    }

    /** Starts training a vocabulary as a background job; everything is checked before the job is queued. */
    public JobRecord train(TrainingSpec spec) {
        return trainer.submit(spec);
    }

    public JobRecord trainingJob(String jobId) {
        return trainer.job(jobId);
    }

    public boolean cancelTraining(String jobId) {
        return trainer.cancel(jobId);
    }

    /** Progress events of a training job; payloads are {@link TrainingProgress}. */
    public Subscription watchTraining(String jobId, Consumer<JobEvent> listener) {
        return trainer.watch(jobId, listener);
    }

    public List<JobRecord> trainingHistory() {
        return trainer.history();
    }

    public TokenizerInfo importHuggingFace(String name, byte[] tokenizerJson) {
        if (tokenizerJson == null || tokenizerJson.length == 0) {
            throw new BadInputException("The tokenizer.json file is empty.");
        }
        return registry.importHf(name, tokenizerJson);
    }

    public void delete(String id) {
        registry.delete(id);
    }

    /** Text to tokenize: any length up to the limit. The empty string is valid and encodes to [] (as in every reference tokenizer). */
    private String checkText(String text) {
        if (text == null) {
            throw new BadInputException("No text given: send \"text\": \"Hello world\" for example (\"\" encodes to []).");
        }
        if (text.length() > maxChars) {
            throw BadInputException.tooLarge(String.format("The text has %,d characters; the limit is %,d. "
                    + "For whole corpora upload a file and use Coverage.", text.length(), maxChars));
        }
        return text;
    }
}
