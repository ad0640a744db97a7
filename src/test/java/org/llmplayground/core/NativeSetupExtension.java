package org.llmplayground.core;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives every test class the native set-up the app has (registered for all tests through
 * META-INF/services and junit.jupiter.extensions.autodetection.enabled): oneMKL's kernels and glibc's allocator as {@link NativeSetup}
 * sets them, before the first test loads libtorch, so the goldens are checked against the kernels the app runs.
 */
public final class NativeSetupExtension implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        NativeSetup.install();
    }
}
