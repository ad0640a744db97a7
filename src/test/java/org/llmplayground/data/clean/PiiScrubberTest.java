package org.llmplayground.data.clean;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PII detection on a labelled set: every line is either PII of a known type (which must be found, and replaced by
 * exactly that placeholder) or a look-alike that is not PII (which must be left alone). Precision and recall are
 * both required to be 1 on this set.
 */
class PiiScrubberTest {
    record Labelled(String text, String expected) {
    }

    static final List<Labelled> SET = List.of(
            // e-mail
            new Labelled("Write to jane.doe@example.com today.", "Write to [EMAIL] today."),
            new Labelled("a+b@mail.co.uk", "[EMAIL]"),
            new Labelled("user@localhost is not a public address", "user@localhost is not a public address"),
            new Labelled("@handle on social media", "@handle on social media"),
            // credit cards: valid Luhn numbers (test numbers of the card networks) and near misses
            new Labelled("Visa 4111 1111 1111 1111 expires soon", "Visa [CREDIT_CARD] expires soon"),
            new Labelled("MC 5500-0000-0000-0004", "MC [CREDIT_CARD]"),
            new Labelled("Amex 378282246310005", "Amex [CREDIT_CARD]"),
            new Labelled("Order 4111 1111 1111 1112 shipped", "Order 4111 1111 1111 1112 shipped"),
            new Labelled("Invoice 1234567890123", "Invoice 1234567890123"),
            // SSNs
            new Labelled("SSN 123-45-6789 on file", "SSN [SSN] on file"),
            new Labelled("Not issued: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000",
                    "Not issued: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000"),
            // IP addresses
            new Labelled("Server at 192.168.1.20 answered", "Server at [IP_ADDRESS] answered"),
            new Labelled("v6 2001:db8::8a2e:370:7334 too", "v6 [IP_ADDRESS] too"),
            new Labelled("Version 1.2.3.4567 and 999.1.1.1", "Version 1.2.3.4567 and 999.1.1.1"),
            new Labelled("The meeting is at 10:30:45", "The meeting is at 10:30:45"),
            // phones
            new Labelled("Call (415) 555-2671 now", "Call [PHONE] now"),
            new Labelled("Office +44 20 7946 0958", "Office [PHONE]"),
            new Labelled("Paris +33 1 42 68 53 00", "Paris [PHONE]"),
            new Labelled("Dated 2024-03-15, price $1,299.00", "Dated 2024-03-15, price $1,299.00"),
            new Labelled("Population 8336817 in 2022", "Population 8336817 in 2022"));

    @Test
    void everyLabelledLineIsHandledExactly() {
        PiiScrubber pii = new PiiScrubber("US");
        int truePositives = 0;
        int falsePositives = 0;
        int falseNegatives = 0;
        for (Labelled l : SET) {
            String got = pii.apply(new Document("x", l.text()), new StageReport("pii")).orElseThrow().text();
            boolean isPii = !l.text().equals(l.expected());
            boolean changed = !got.equals(l.text());
            if (isPii && got.equals(l.expected())) {
                truePositives++;
            } else if (isPii) {
                falseNegatives++;
            } else if (changed) {
                falsePositives++;
            }
            assertThat(got).as(l.text()).isEqualTo(l.expected());
        }
        assertThat(truePositives).isEqualTo(11);
        assertThat(falsePositives).isZero();
        assertThat(falseNegatives).isZero();
    }

    @Test
    void theReportCountsEachType() {
        StageReport r = new StageReport("pii");
        new PiiScrubber("US").apply(new Document("x", "a@b.com, c@d.org, 4111111111111111, 10.0.0.1, 123-45-6789, (415) 555-2671"), r);
        assertThat(r.summary().reasons()).containsEntry("[EMAIL]", 2L).containsEntry("[CREDIT_CARD]", 1L)
                .containsEntry("[IP_ADDRESS]", 1L).containsEntry("[SSN]", 1L).containsEntry("[PHONE]", 1L);
    }
}
