package org.llmplayground.model;

import org.llmplayground.core.BadInputException;

import java.util.Arrays;

/** The codecs of the bundled models. */
public final class TokenCodecs {
    private TokenCodecs() {
    }

    /** Raw ids, "1, 403, 261" or "1 403 261", each below {@code vocab}; for models whose tokenizer is not available. */
    public static TokenCodec ids(int vocab) {
        return new TokenCodec() {
            @Override
            public String inputHint() {
                return "Token ids (0 to " + (vocab - 1) + "), separated by spaces or commas";
            }

            @Override
            public int[] encode(String input) {
                String trimmed = input == null ? "" : input.strip();
                if (trimmed.isEmpty()) {
                    throw new BadInputException("Enter some token ids, e.g. 1, 403, 261.");
                }
                try {
                    int[] ids = Arrays.stream(trimmed.split("[\\s,]+")).mapToInt(Integer::parseInt).toArray();
                    for (int id : ids) {
                        if (id < 0 || id >= vocab) {
                            throw new BadInputException("Token id " + id + " is outside this model's vocabulary (0 to " + (vocab - 1) + ").");
                        }
                    }
                    return ids;
                } catch (NumberFormatException e) {
                    throw new BadInputException("'" + trimmed + "' is not a list of token ids: use whole numbers separated by spaces or commas.");
                }
            }

            @Override
            public String label(int id) {
                return "#" + id;
            }
        };
    }

    /** The sort model's vocabulary: the digits 0, 1 and 2 (spaces and commas ignored). */
    public static TokenCodec digits(int vocab) {
        return new TokenCodec() {
            @Override
            public String inputHint() {
                return "Digits 0 to " + (vocab - 1) + ", e.g. 2 0 1 1 0 2 (six to sort, then the sorted ones so far)";
            }

            @Override
            public int[] encode(String input) {
                String digits = input == null ? "" : input.replaceAll("[\\s,]", "");
                if (digits.isEmpty()) {
                    throw new BadInputException("Enter some digits from 0 to " + (vocab - 1) + ".");
                }
                int[] ids = new int[digits.length()];
                for (int i = 0; i < ids.length; i++) {
                    int d = digits.charAt(i) - '0';
                    if (d < 0 || d >= vocab) {
                        throw new BadInputException("'" + digits.charAt(i) + "' is not a digit from 0 to " + (vocab - 1) + ".");
                    }
                    ids[i] = d;
                }
                return ids;
            }

            @Override
            public String label(int id) {
                return String.valueOf(id);
            }
        };
    }
}
