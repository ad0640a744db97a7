package org.llmplayground.data.clean;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import org.apache.commons.validator.routines.EmailValidator;
import org.apache.commons.validator.routines.InetAddressValidator;
import org.apache.commons.validator.routines.checkdigit.LuhnCheckDigit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data with a tag naming its type, so a model cannot learn and repeat it: e-mail addresses
 * ({@value #EMAIL}), credit-card numbers ({@value #CARD}: 13–19 digits that pass the Luhn check, so an order number
 * of the same length stays), US social security numbers ({@value #SSN}: ddd-dd-dddd without the never-issued
 * 000/666/9xx areas, 00 groups or 0000 serials), IPv4/IPv6 addresses ({@value #IP}), and phone numbers
 * ({@value #PHONE}: what libphonenumber finds as a valid number, in international form or for the default region).
 * Candidates come from patterns; a validator decides, which keeps dates, versions and prices out.
 */
public final class PiiScrubber implements Stage {
    public static final String EMAIL = "[EMAIL]";
    public static final String CARD = "[CREDIT_CARD]";
    public static final String SSN = "[SSN]";
    public static final String IP = "[IP_ADDRESS]";
    public static final String PHONE = "[PHONE]";

    private static final Pattern EMAIL_CANDIDATE = Pattern.compile("[\\w.+%-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern CARD_CANDIDATE = Pattern.compile("(?<![\\d-])(?:\\d[ -]?){12,18}\\d(?![\\d-])");
    private static final Pattern SSN_CANDIDATE = Pattern.compile("(?<![\\d-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\d-])");
    private static final Pattern IPV4_CANDIDATE = Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.])");
    private static final Pattern IPV6_CANDIDATE = Pattern.compile("(?<![\\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\\w:])");

    private final String region;
    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();

    /** @param region the ISO country whose national phone formats count ("US"); international "+…" numbers always do */
    public PiiScrubber(String region) {
        this.region = region;
    }

    @Override
    public String name() {
        return "pii";
    }

    private record Hit(int start, int end, String type) {
    }

    @Override
    public Optional<Document> apply(Document d, StageReport report) {
        String t = d.text();
        List<Hit> hits = find(t);
        if (hits.isEmpty()) {
            return Optional.of(d);
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (Hit h : hits) {
            out.append(t, at, h.start()).append(h.type());
            at = h.end();
        }
        String cleaned = out.append(t.substring(at)).toString();
        for (String type : List.of(EMAIL, CARD, SSN, IP, PHONE)) {
            long n = hits.stream().filter(h -> h.type().equals(type)).count();
            if (n > 0) {
                report.changed(d, cleaned, type, n);
            }
        }
        return Optional.of(d.withText(cleaned));
    }

    /** The PII in a text as non-overlapping spans, earliest first (an earlier, longer hit wins an overlap). */
    List<Hit> find(String t) {
        List<Hit> all = new ArrayList<>();
        // cheap scans first: most prose has no '@', no ':' and no run of 7 digits, and then skips the patterns
        if (t.indexOf('@') >= 0) {
            collect(all, EMAIL_CANDIDATE.matcher(t), EMAIL, m -> EmailValidator.getInstance().isValid(m.group()));
        }
        if (longestDigitRun(t) >= 7) { // SSN 9, cards 13+, phone numbers 7+ digits
            collect(all, SSN_CANDIDATE.matcher(t), SSN, m -> validSsn(m.group(1), m.group(2), m.group(3)));
            collect(all, CARD_CANDIDATE.matcher(t), CARD, m -> {
                String digits = m.group().replaceAll("[ -]", "");
                return digits.length() >= 13 && digits.length() <= 19 && LuhnCheckDigit.LUHN_CHECK_DIGIT.isValid(digits);
            });
            for (PhoneNumberMatch m : phones.findNumbers(t, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
                all.add(new Hit(m.start(), m.end(), PHONE));
            }
        }
        if (hasDigitDotDigit(t)) {
            collect(all, IPV4_CANDIDATE.matcher(t), IP, m -> InetAddressValidator.getInstance().isValidInet4Address(m.group()));
        }
        if (t.indexOf(':') >= 0) {
            collect(all, IPV6_CANDIDATE.matcher(t), IP, m -> m.group().contains("::") || m.group().chars().filter(c -> c == ':').count() == 7
                    ? InetAddressValidator.getInstance().isValidInet6Address(m.group()) : false);
        }
        all.sort(Comparator.comparingInt(Hit::start).thenComparing(Comparator.comparingInt(Hit::end).reversed()));
        List<Hit> kept = new ArrayList<>();
        int end = -1;
        for (Hit h : all) {
            if (h.start() >= end) {
                kept.add(h);
                end = h.end();
            }
        }
        return kept;
    }

    /**
     * The most digits in one number-like run: digits joined by at most two separators in a row (space, - . ( ) / +),
     * so "+1 (212) 555-0123" counts 11 and "in 1999 and 2004" counts 4 ("and" ends the run).
     */
    static int longestDigitRun(String t) {
        int best = 0;
        int digits = 0;
        int separators = 0;
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
                separators = 0;
                best = Math.max(best, digits);
            } else if ((c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '+') && ++separators <= 2) {
                continue;
            } else {
                digits = 0;
                separators = 0;
            }
        }
        return best;
    }

    private static boolean hasDigitDotDigit(String t) {
        for (int i = t.indexOf('.'); i > 0 && i + 1 < t.length(); i = t.indexOf('.', i + 1)) {
            if (Character.isDigit(t.charAt(i - 1)) && Character.isDigit(t.charAt(i + 1))) {
                return true;
            }
        }
        return false;
    }

    private interface Check {
        boolean ok(Matcher m);
    }

    private static void collect(List<Hit> out, Matcher m, String type, Check check) {
        while (m.find()) {
            if (check.ok(m)) {
                out.add(new Hit(m.start(), m.end(), type));
            }
        }
    }

    /** Area 001–899 except 666, group 01–99, serial 0001–9999 (the SSA's never-issued ranges are out). */
    static boolean validSsn(String area, String group, String serial) {
        int a = Integer.parseInt(area);
        return a != 0 && a != 666 && a < 900 && !group.equals("00") && !serial.equals("0000");
    }
}
