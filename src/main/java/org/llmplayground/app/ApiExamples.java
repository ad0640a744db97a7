package org.llmplayground.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The same request as a curl command and as a Python script, for every operation of the REST page: what a user copies
 * into a terminal. Python uses only the standard library (json, urllib), so the script runs on any Python 3 without
 * installing anything; multipart uploads are the exception (urllib has no form encoder), they use requests.
 * <p>
 * Worked example, POST /api/v1/tokenization/decode with {"ids": [15496, 995]}:
 * <pre>
 * curl -s -X POST 'http://127.0.0.1:8080/api/v1/tokenization/decode' -H 'Content-Type: application/json' -d '{"ids":[15496,995]}'
 * </pre>
 * and in Python the body becomes a dict literal ({"ids": [15496, 995]}; JSON's true/false/null become True/False/None).
 */
public final class ApiExamples {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiExamples() {
    }

    public static String curl(OpenApiDocument.Operation op, String base) {
        StringBuilder s = new StringBuilder("curl -s");
        if (op.responseType().equals("text/event-stream")) {
            s.append(" -N"); // print each streamed event as it arrives
        }
        if (!op.method().equals("GET")) {
            s.append(" -X ").append(op.method());
        }
        s.append(' ').append(shellQuote(base + op.path()));
        if (op.requestType().startsWith("multipart/")) {
            s.append(" -F 'file=@corpus.txt'");
        } else if (!op.example().isEmpty()) {
            s.append(" -H 'Content-Type: application/json' -d ").append(shellQuote(compact(op.example())));
        }
        if (op.path().contains("{")) {
            s.append("   # put a real id where the path says {…}");
        }
        return s.toString();
    }

    public static String python(OpenApiDocument.Operation op, String base) {
        String url = pyString(base + op.path());
        StringBuilder s = new StringBuilder();
        if (op.requestType().startsWith("multipart/")) {
            s.append("import requests  # pip install requests: the standard library has no multipart form encoder\n\n")
                    .append("with open(\"corpus.txt\", \"rb\") as f:\n")
                    .append("    r = requests.").append(op.method().toLowerCase(java.util.Locale.ROOT)).append('(').append(url)
                    .append(", files={\"file\": f})\n")
                    .append("r.raise_for_status()\nprint(r.json())\n");
            return s.toString();
        }
        boolean json = op.responseType().contains("json");
        s.append(json || !op.example().isEmpty() ? "import json\nimport urllib.request\n\n" : "import urllib.request\n\n");
        if (!op.example().isEmpty()) {
            s.append("body = ").append(pyLiteral(parse(op.example()))).append('\n');
        }
        s.append("request = urllib.request.Request(").append(url).append(", method=\"").append(op.method()).append('"');
        if (!op.example().isEmpty()) {
            s.append(",\n                                 data=json.dumps(body).encode(), headers={\"Content-Type\": \"application/json\"}");
        }
        s.append(")\n");
        if (op.responseType().equals("text/event-stream")) {
            s.append("with urllib.request.urlopen(request) as r:\n    for line in r:  # one server-sent event line at a time\n        print(line.decode().rstrip())\n");
        } else if (json) {
            s.append("with urllib.request.urlopen(request) as r:\n    print(json.dumps(json.load(r), indent=2))\n");
        } else {
            s.append("with urllib.request.urlopen(request) as r:\n    print(r.status, r.headers.get(\"Content-Type\"), len(r.read()), \"bytes\")\n");
        }
        if (op.path().contains("{")) {
            s.append("# put a real id where the URL says {…}\n");
        }
        return s.toString();
    }

    static String compact(String json) {
        return parse(json).toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 'it''s' in POSIX shells: close the quote, an escaped quote, reopen. */
    static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A JSON string literal is a valid Python string literal (the same escapes). */
    private static String pyString(String s) {
        return JSON.getNodeFactory().textNode(s).toString();
    }

    static String pyLiteral(JsonNode n) {
        if (n.isObject()) {
            StringBuilder s = new StringBuilder("{");
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                s.append(pyString(f.getKey())).append(": ").append(pyLiteral(f.getValue())).append(it.hasNext() ? ", " : "");
            }
            return s.append('}').toString();
        }
        if (n.isArray()) {
            StringBuilder s = new StringBuilder("[");
            for (int i = 0; i < n.size(); i++) {
                s.append(i > 0 ? ", " : "").append(pyLiteral(n.get(i)));
            }
            return s.append(']').toString();
        }
        if (n.isBoolean()) {
            return n.asBoolean() ? "True" : "False";
        }
        if (n.isNull() || n.isMissingNode()) {
            return "None";
        }
        return n.toString(); // numbers and strings
    }
}
