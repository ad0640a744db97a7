package org.llmplayground.core.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import org.llmplayground.core.BadInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs work off the UI thread and applies the result with {@code ui.access} (pushed to the browser). Bad input
 * reaches {@code onError} as its message; anything else as "Something went wrong: …" and is logged.
 */
public final class Async {
    private static final Logger LOG = LoggerFactory.getLogger(Async.class);

    private Async() {
    }

    public static <T> void run(Component owner, Executor executor, Supplier<T> work, Consumer<T> onDone, Consumer<String> onError) {
        UI ui = owner.getUI().orElse(UI.getCurrent());
        CompletableFuture.supplyAsync(work, executor).whenComplete((result, failure) -> {
            if (ui == null || !ui.isAttached()) {
                return;
            }
            ui.access(() -> {
                if (failure == null) {
                    onDone.accept(result);
                } else {
                    onError.accept(message(failure));
                }
            });
        });
    }

    /** The user-facing message of a failure. */
    public static String message(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (t instanceof BadInputException) {
            return t.getMessage();
        }
        LOG.error("Unexpected failure in background work", t);
        return "Something went wrong: " + t;
    }
}
