package org.llmplayground.evaluation.humaneval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Workspace;

import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * HumanEval's code runs only in the sandbox: the canonical solutions pass, empty and hostile completions fail
 * without touching the app. Needs bubblewrap (installed by .ci/run); without it these tests are skipped, and
 * {@link #refusesWithoutSandbox} checks the refusal.
 */
class CodeSandboxTest {
    @TempDir
    static Path home;
    static CodeSandbox sandbox;
    static Path secret;

    @BeforeAll
    static void start() throws Exception {
        Workspace ws = new Workspace(home.toString());
        secret = ws.dir("uploads").resolve("secret.txt");
        Files.writeString(secret, "the-secret-token-1234");
        sandbox = new CodeSandbox("bwrap", "/usr/bin/python3", false, Duration.ofSeconds(5), 512L << 20, 32, ws);
        Assumptions.assumeTrue(sandbox.check().sandboxed(), sandbox.check().reason());
    }

    @Test
    void canonicalSolutionsPassEmptyCompletionsFail() throws Exception {
        List<HumanEval.Problem> problems = HumanEval.problems();
        assertEquals(164, problems.size());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<CodeSandbox.Outcome>> good = problems.stream()
                    .map(p -> pool.submit(() -> sandbox.run(p.program(p.canonicalSolution())))).toList();
            List<Future<CodeSandbox.Outcome>> empty = problems.stream().map(p -> pool.submit(() -> sandbox.run(p.program("")))).toList();
            int passed = 0;
            for (int i = 0; i < problems.size(); i++) {
                CodeSandbox.Outcome o = good.get(i).get();
                assertTrue(o.passed(), problems.get(i).taskId() + ": " + o.result() + "\n" + o.output());
                assertTrue(o.sandboxed());
                passed += empty.get(i).get().passed() ? 1 : 0;
            }
            assertEquals(0, passed, "an empty completion passes no problem");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void infiniteLoopTimesOut() {
        long t0 = System.nanoTime();
        CodeSandbox.Outcome o = sandbox.run("while True:\n    pass\n");
        assertFalse(o.passed());
        assertTrue(o.timedOut() || o.result().startsWith("failed"), o.result()); // the wall clock or the CPU limit ends it
        assertTrue((System.nanoTime() - t0) / 1e9 < 15, "ended by the 5 s limit");
    }

    @Test
    void forkBombIsContainedAndTheAppCarriesOn() {
        CodeSandbox.Outcome o = sandbox.run("import os\nwhile True:\n    os.fork()\n");
        assertFalse(o.passed(), o.result());
        // nothing of it is left running, and the machine still starts processes: the next program passes
        assertEquals(0, ProcessHandle.current().descendants().count(), "no process of the sandbox outlives it");
        assertTrue(sandbox.run("print(sum(range(10)))").passed());
    }

    @Test
    void cannotWriteOutsideTmp() throws Exception {
        Path target = home.resolve("written-by-sandbox.txt");
        CodeSandbox.Outcome o = sandbox.run("open(" + py(target) + ", 'w').write('x')\n");
        assertFalse(o.passed());
        assertFalse(Files.exists(target));
        CodeSandbox.Outcome usr = sandbox.run("open('/usr/evil.txt', 'w').write('x')\n");
        assertFalse(usr.passed());
        assertTrue(usr.output().contains("Read-only file system") || usr.output().contains("Permission denied"), usr.output());
        assertTrue(sandbox.run("open('/tmp/ok.txt', 'w').write('x'); print(open('/tmp/ok.txt').read())").passed(), "/tmp is writable");
    }

    @Test
    void cannotReadTheWorkspace() {
        CodeSandbox.Outcome o = sandbox.run("print(open(" + py(secret) + ").read())\n");
        assertFalse(o.passed());
        assertFalse(o.output().contains("the-secret-token-1234"));
        assertTrue(o.output().contains("FileNotFoundError"), o.output());
    }

    @Test
    void cannotOpenASocket() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1500);
            CodeSandbox.Outcome o = sandbox.run("import socket\nsocket.create_connection(('127.0.0.1', " + server.getLocalPort() + "), timeout=2)\n");
            assertFalse(o.passed());
            assertThrows(SocketTimeoutException.class, server::accept, "nothing reached the app's loopback");
        }
        assertFalse(sandbox.run("import socket\nsocket.create_connection(('1.1.1.1', 80), timeout=2)\n").passed());
    }

    @Test
    void refusesWithoutSandbox() {
        CodeSandbox none = new CodeSandbox("/nonexistent/bwrap", "/usr/bin/python3", false, Duration.ofSeconds(5), 512L << 20, 32,
                new Workspace(home.toString()));
        assertFalse(none.check().canRun());
        assertEquals("The app refuses to run generated code: bubblewrap ('/nonexistent/bwrap') is not installed (apt-get install "
                + "bubblewrap). Install bubblewrap, or start the app with --playground.evaluation.allow-unsandboxed-code=true to run it "
                + "without a sandbox at your own risk.", none.check().reason());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> none.run("print(1)"));
        assertEquals(none.check().reason(), e.getMessage());
        CodeSandbox allowed = new CodeSandbox("/nonexistent/bwrap", "/usr/bin/python3", true, Duration.ofSeconds(5), 512L << 20, 32,
                new Workspace(home.toString()));
        assertTrue(allowed.check().canRun());
        assertFalse(allowed.check().sandboxed());
        CodeSandbox.Outcome o = allowed.run("print(6 * 7)");
        assertTrue(o.passed());
        assertFalse(o.sandboxed());
        assertEquals("42\n", o.output());
    }

    @Test
    void passAtKIsTheUnbiasedEstimator() {
        assertEquals(0.2, HumanEval.passAtK(5, 1, 1), 1e-15);
        assertEquals(1.0, HumanEval.passAtK(5, 1, 5), 0);
        assertEquals(0.0, HumanEval.passAtK(10, 0, 3), 0);
        for (int n = 1; n <= 30; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    assertEquals(HumanEval.passAtKExact(n, c, k), HumanEval.passAtK(n, c, k), 1e-12, n + " " + c + " " + k);
                }
            }
        }
        BadInputException e = assertThrows(BadInputException.class, () -> HumanEval.passAtK(3, 1, 10));
        assertEquals("pass@10 needs at least 10 samples per problem; there are 3.", e.getMessage());
    }

    @Test
    void completionsAreCutAtLmEvalsStops() {
        assertEquals("    return x\n", HumanEval.cut("    return x\n\ndef f():\n    pass"));
        assertEquals("    return 1", HumanEval.cut("    return 1\nprint(2)\n#x"));
        assertEquals("    y = 2\n", HumanEval.cut("    y = 2\n\nif __name__"));
    }

    private static String py(Path p) {
        return "'" + p.toAbsolutePath().toString().replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
