package org.llmplayground.core;

/**
 * A request the app cannot honour because of what the user gave it (unknown name, text too long, malformed file).
 * The message is written for the user: it says what was wrong and what would work. The UI shows it as is; the API
 * answers it as a JSON 400 (or the status given).
 */
public class BadInputException extends RuntimeException {
    private final int status;

    public BadInputException(String message) {
        this(message, 400);
    }

    public BadInputException(String message, int status) {
        super(message);
        this.status = status;
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
        this.status = 400;
    }

    /** HTTP status for the API: 400 by default, 404 for unknown things, 409 for conflicts, 413 for too large. */
    public int status() {
        return status;
    }

    public static BadInputException notFound(String message) {
        return new BadInputException(message, 404);
    }

    public static BadInputException conflict(String message) {
        return new BadInputException(message, 409);
    }

    public static BadInputException tooLarge(String message) {
        return new BadInputException(message, 413);
    }
}
