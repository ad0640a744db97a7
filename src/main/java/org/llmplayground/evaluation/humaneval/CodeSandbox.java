package org.llmplayground.evaluation.humaneval;

import io.micronaut.context.annotation.Value;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.Workspace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs untrusted Python (a model's HumanEval completion with the problem's tests) in Debian's bubblewrap, as a
 * separate process the app only talks to through stdin and a bounded read of stdout:
 * <ul>
 *   <li>every namespace unshared ({@code --unshare-all}): no network (only a private loopback), its own PIDs, so
 *   killing the sandbox kills every process it started ({@code --die-with-parent});</li>
 *   <li>a read-only root made only of the system folders (/usr and the /bin, /lib links; /etc read-only): the app's
 *   workspace, home folders and /work are simply not there, and a private /tmp (tmpfs) is the only writable place;</li>
 *   <li>limits set by {@code prlimit} inside: CPU seconds, address space (memory), processes (a fork bomb stops at
 *   the limit; when the app runs as root the sandbox first drops to the user nobody, as root ignores that limit),
 *   file size and open files; and a wall-clock timeout after which the whole sandbox is killed.</li>
 * </ul>
 * Without bubblewrap (or where the kernel refuses its namespaces) {@link #check()} says why and nothing runs, unless
 * the app was started with {@code --playground.evaluation.allow-unsandboxed-code=true}: then the code runs as a
 * plain child process with the same prlimit limits and timeout, and every result says it was unsandboxed.
 */
@Singleton
public class CodeSandbox {
    private static final Logger LOG = LoggerFactory.getLogger(CodeSandbox.class);
    /** Most output kept from one program (the rest is read and dropped, so the program never blocks on a full pipe). */
    static final int MAX_OUTPUT = 4096;
    private final String bwrap;
    private final String python;
    private final boolean allowUnsandboxed;
    private final Duration timeout;
    private final long memoryBytes;
    private final int processes;
    private final List<Path> hidden;
    private volatile Availability availability;

    public CodeSandbox(@Value("${playground.evaluation.bwrap:bwrap}") String bwrap,
                       @Value("${playground.evaluation.python:/usr/bin/python3}") String python,
                       @Value("${playground.evaluation.allow-unsandboxed-code:false}") boolean allowUnsandboxed,
                       @Value("${playground.evaluation.code-timeout:10s}") Duration timeout,
                       @Value("${playground.evaluation.code-memory-bytes:1073741824}") long memoryBytes,
                       @Value("${playground.evaluation.code-processes:32}") int processes,
                       Workspace workspace) {
        this.bwrap = bwrap;
        this.python = python;
        this.allowUnsandboxed = allowUnsandboxed;
        this.timeout = timeout;
        this.memoryBytes = memoryBytes;
        this.processes = processes;
        this.hidden = List.of(workspace.home().toAbsolutePath().normalize());
    }

    /** Whether code may run, how ({@code sandboxed}) and, when it may not, why. */
    @Serdeable
    public record Availability(boolean canRun, boolean sandboxed, String reason) {
    }

    /** One program's outcome: passed = exit status 0 within the time; {@code result} is "passed", "timed out" or the error's last line. */
    @Serdeable
    public record Outcome(boolean passed, String result, int exitCode, boolean timedOut, double millis, String output, boolean sandboxed) {
    }

    /** Probes bubblewrap once (a real sandboxed python run) and remembers the answer. */
    public Availability check() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
            LOG.info("Code sandbox: {}", a.reason());
        }
        return a;
    }

    private Availability probe() {
        if (!Files.isExecutable(Path.of(python))) {
            return new Availability(false, false, "Python is not installed at " + python + " (apt-get install python3), so HumanEval's tests cannot run.");
        }
        String why = resolve(bwrap) == null ? "bubblewrap ('" + bwrap + "') is not installed (apt-get install bubblewrap)" : null;
        if (why == null) {
            try {
                Outcome o = exec(command(true), "print('sandbox ok')", Duration.ofSeconds(20));
                if (o.passed() && o.output().contains("sandbox ok")) {
                    return new Availability(true, true, "bubblewrap sandbox: no network, read-only root, private /tmp, "
                            + "CPU " + cpuSeconds() + " s, memory " + (memoryBytes >> 20) + " MiB, " + processes + " processes, timeout "
                            + timeout.toMillis() / 1000.0 + " s");
                }
                why = "bubblewrap is installed but cannot start a sandbox here (" + lastLine(o.output()) + ")";
            } catch (IOException e) {
                why = "bubblewrap could not be started (" + e.getMessage() + ")";
            }
        }
        if (allowUnsandboxed) {
            return new Availability(true, false, why + "; running code UNSANDBOXED as allowed by --playground.evaluation.allow-unsandboxed-code");
        }
        return new Availability(false, false, "The app refuses to run generated code: " + why + ". Install bubblewrap, or start the app "
                + "with --playground.evaluation.allow-unsandboxed-code=true to run it without a sandbox at your own risk.");
    }

    /**
     * Runs {@code program} (fed to {@code python3 -I -} on stdin) and reports how it ended.
     *
     * @throws IllegalStateException when code may not run here ({@link #check()}'s reason)
     */
    public Outcome run(String program) {
        Availability a = check();
        if (!a.canRun()) {
            throw new IllegalStateException(a.reason());
        }
        try {
            return exec(command(a.sandboxed()), program, timeout);
        } catch (IOException e) {
            return new Outcome(false, "could not start: " + e.getMessage(), -1, false, 0, "", a.sandboxed());
        }
    }

    /** The executable a command name stands for (searched on PATH when it has no slash), or null. */
    static Path resolve(String name) {
        if (name.contains("/")) {
            return Files.isExecutable(Path.of(name)) ? Path.of(name) : null;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private long cpuSeconds() {
        return Math.max(1, (timeout.toMillis() + 999) / 1000);
    }

    /** The command line: [setpriv to nobody when root] bwrap … -- prlimit … -- python3 -I -. */
    List<String> command(boolean sandboxed) {
        List<String> c = new ArrayList<>();
        boolean root = isRoot();
        if (sandboxed) {
            if (root) { // RLIMIT_NPROC does not hold for root: run as nobody, whose processes it counts
                c.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
            }
            c.addAll(List.of(bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv",
                    "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "HOME", "/tmp", "--setenv", "PYTHONDONTWRITEBYTECODE", "1",
                    "--ro-bind", "/usr", "/usr"));
            for (String dir : List.of("/bin", "/sbin", "/lib", "/lib64", "/lib32")) {
                Path p = Path.of(dir);
                if (Files.isSymbolicLink(p)) { // merged /usr: /bin → usr/bin
                    try {
                        c.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), dir));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                } else if (Files.isDirectory(p)) {
                    c.addAll(List.of("--ro-bind", dir, dir));
                }
            }
            c.addAll(List.of("--ro-bind-try", "/etc", "/etc", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
            for (Path h : hidden) { // the workspace, should it lie under a folder bound above: an empty tmpfs over it
                if (h.startsWith("/usr") || h.startsWith("/etc")) {
                    c.addAll(List.of("--tmpfs", h.toString()));
                }
            }
            c.addAll(List.of("--chdir", "/tmp", "--"));
        }
        c.addAll(List.of("prlimit", "--cpu=" + cpuSeconds(), "--as=" + memoryBytes, "--nproc=" + processes,
                "--fsize=" + (16L << 20), "--nofile=64", "--core=0", "--", python, "-I", "-"));
        return c;
    }

    private Outcome exec(List<String> command, String program, Duration limit) throws IOException {
        long start = System.nanoTime();
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (!command.contains("--clearenv")) {
            pb.environment().keySet().removeIf(k -> !k.equals("PATH")); // unsandboxed: at least no secrets from the environment
            pb.directory(new java.io.File(System.getProperty("java.io.tmpdir")));
        }
        Process p = pb.start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "sandbox-output");
        reader.setDaemon(true);
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(program.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the program ended (or the sandbox failed) before reading all of it: its exit status says which
        }
        boolean finished;
        try {
            finished = p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new org.llmplayground.core.jobs.JobCancelledException();
        }
        if (!finished) {
            kill(p);
        }
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String text;
        synchronized (out) {
            text = out.toString(StandardCharsets.UTF_8);
        }
        double millis = (System.nanoTime() - start) / 1e6;
        boolean sandboxed = command.contains("--unshare-all");
        if (!finished) {
            return new Outcome(false, "timed out", -1, true, millis, text, sandboxed);
        }
        int code = p.exitValue();
        return new Outcome(code == 0, code == 0 ? "passed" : "failed: " + lastLine(text), code, false, millis, text, sandboxed);
    }

    /** Kills the sandbox and anything it started (bubblewrap's PID namespace dies with it). */
    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int room = MAX_OUTPUT - out.size();
                    if (room > 0) {
                        out.write(buf, 0, Math.min(room, n));
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read is kept
        }
    }

    /** The last non-blank line, e.g. "AssertionError" or "NameError: name 'x' is not defined". */
    static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines.length == 0 || lines[lines.length - 1].isBlank() ? "exit status non-zero" : lines[lines.length - 1].strip();
        return last.length() > 200 ? last.substring(0, 200) + "…" : last;
    }
}
