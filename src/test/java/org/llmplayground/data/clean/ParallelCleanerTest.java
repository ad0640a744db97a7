package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The parallel runner gives exactly the sequential pipeline's output, in input order, for any number of threads. */
class ParallelCleanerTest {
    static List<Document> corpus() {
        Random r = new Random(5);
        List<String> vocab = NearDedupTest.vocabulary(4000);
        List<Document> docs = new ArrayList<>();
        List<String> originals = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String text;
            int kind = r.nextInt(10);
            if (kind == 0 && !originals.isEmpty()) {
                text = originals.get(r.nextInt(originals.size())).toUpperCase(java.util.Locale.ROOT); // exact copy
            } else if (kind == 1 && !originals.isEmpty()) {
                text = NearDedupTest.edit(r, vocab, originals.get(r.nextInt(originals.size())), 0.1); // near copy
            } else if (kind == 2) {
                text = "short one " + i; // too few words
            } else {
                text = NearDedupTest.randomDoc(r, vocab, 60 + r.nextInt(100)) + ".";
                originals.add(text);
            }
            docs.add(new Document("d" + i, "  " + text + "\t "));
        }
        return docs;
    }

    static Pipeline pipeline() {
        return new Pipeline(List.of(new NormalizeStage(NormalizeStage.Options.ALL), new QualityFilter(20, 100_000, 1, 20, 0.1, 0.5, 0.9, 0.3, 0, 0.3, 0.2),
                new ExactDedup(), NearDedup.defaults()));
    }

    @Test
    void sameOutputAndReportsAsTheSequentialPipelineForAnyThreadCount() {
        List<Document> docs = corpus();
        Pipeline sequential = pipeline();
        List<Document> expected = docs.stream().map(sequential::apply).flatMap(java.util.Optional::stream).toList();
        for (int threads : new int[]{1, 2, 4}) {
            Pipeline p = pipeline();
            List<Document> out = new ArrayList<>();
            try (ParallelCleaner c = new ParallelCleaner(p, threads, out::add)) {
                docs.forEach(c);
                c.finish();
            }
            assertThat(out).as(threads + " threads").isEqualTo(expected);
            for (int i = 0; i < 4; i++) {
                StageReport.Summary a = p.reports().get(i);
                StageReport.Summary b = sequential.reports().get(i);
                assertThat(List.of(a.documentsIn(), a.documentsOut(), a.removed(), a.changed(), a.charsIn(), a.charsOut()))
                        .as(a.stage()).isEqualTo(List.of(b.documentsIn(), b.documentsOut(), b.removed(), b.changed(), b.charsIn(), b.charsOut()));
                assertThat(a.reasons()).isEqualTo(b.reasons());
            }
        }
        assertThat(sequential.reports().get(2).removed()).isPositive();
        assertThat(sequential.reports().get(3).removed()).isPositive();
        assertThat(Set.copyOf(sequential.reports().get(1).reasons().keySet())).contains("too few words");
    }

    @Test
    void aFailingStageStopsTheRunWithItsError() {
        Stage broken = new Stage() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public java.util.Optional<Document> apply(Document d, StageReport report) {
                if (d.id().equals("d700")) {
                    throw new IllegalStateException("bad document " + d.id());
                }
                return java.util.Optional.of(d);
            }
        };
        try (ParallelCleaner c = new ParallelCleaner(new Pipeline(List.of(broken)), 2, d -> {
        })) {
            assertThatThrownBy(() -> {
                corpus().forEach(c);
                c.finish();
            }).isInstanceOf(IllegalStateException.class).hasMessage("bad document d700");
        }
    }
}
