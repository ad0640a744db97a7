package org.llmplayground.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Stores an upload in a workspace folder the safe way, for every lab that takes files: streamed to a temporary file
 * (never whole in memory), refused as soon as it passes its limit, and moved into place only when complete, so a
 * failed or refused upload leaves nothing behind. A name already there gets "-1", "-2" … before its extension.
 */
public final class Uploads {
    private Uploads() {
    }

    /**
     * @param name        a display-safe file name (no folders)
     * @param maxBytes    the most bytes accepted
     * @param tooLarge    the message when the limit is passed (it names the limit and its setting)
     * @return where the file now is
     */
    public static Path store(Path folder, String name, InputStream in, long maxBytes, String tooLarge) {
        try (in) {
            Files.createDirectories(folder);
            Path tmp = Files.createTempFile(folder, ".upload", Workspace.UNFINISHED);
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    byte[] buf = new byte[1 << 16];
                    long total = 0;
                    for (int n; (n = in.read(buf)) > 0; ) {
                        total += n;
                        if (total > maxBytes) {
                            throw BadInputException.tooLarge(tooLarge);
                        }
                        out.write(buf, 0, n);
                    }
                    if (total == 0) {
                        throw new BadInputException("The file '" + name + "' is empty.");
                    }
                }
                Path target = freeName(folder, name);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return target;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new BadInputException("The upload of '" + name + "' failed: " + e.getMessage(), e);
        }
    }

    /** {@code name} in {@code folder}, or with "-1", "-2" … before the extension when taken. */
    public static Path freeName(Path folder, String name) {
        Path p = Workspace.resolveInside(folder, name);
        int dot = name.indexOf('.') > 0 ? name.indexOf('.') : name.length();
        for (int i = 1; Files.exists(p); i++) {
            p = Workspace.resolveInside(folder, name.substring(0, dot) + "-" + i + name.substring(dot));
        }
        return p;
    }
}
