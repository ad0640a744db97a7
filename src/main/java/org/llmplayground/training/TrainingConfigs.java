package org.llmplayground.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.inject.Singleton;
import org.llmplayground.core.BadInputException;
import org.llmplayground.core.Resources;
import org.llmplayground.core.Workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Training configs as YAML: the documented examples bundled from {@code configs/} (read-only) and the user's own in
 * {@code <workspace>/configs/}. Parsing is strict: an unknown key, a wrong type or malformed YAML is refused with a
 * message naming the key, e.g. "Unknown key 'learning_rat' in training. Known keys: batch_size, ...".
 */
@Singleton
public class TrainingConfigs {
    static final List<String> BUNDLED = List.of("quickstart", "shakespeare-char", "debug", "gpt2-small", "finetune", "sft-demo", "dpo-demo", "reward-demo",
            "nanogpt-shakespeare-char");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Path userDir;

    public TrainingConfigs(Workspace workspace) {
        this.userDir = workspace.dir("configs");
    }

    /** A config file: its name (file name without .yaml), whether it ships with the app, and its description. */
    @Serdeable
    public record ConfigFile(String name, boolean bundled, String description, String yaml) {
    }

    public List<ConfigFile> list() {
        List<ConfigFile> all = new ArrayList<>();
        for (String name : BUNDLED) {
            String yaml = Resources.text("bundled/configs/" + name + ".yaml");
            all.add(new ConfigFile(name, true, describe(yaml), yaml));
        }
        try (Stream<Path> files = Files.list(userDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                String yaml = Files.readString(f, StandardCharsets.UTF_8);
                all.add(new ConfigFile(f.getFileName().toString().replaceFirst("\\.yaml$", ""), false, describe(yaml), yaml));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    private String describe(String yaml) {
        try {
            TrainingConfig c = parse(yaml);
            return c.description() != null ? c.description() : "";
        } catch (BadInputException e) {
            return "Invalid: " + e.getMessage();
        }
    }

    public ConfigFile get(String name) {
        return list().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> BadInputException.notFound("No config named '" + name + "'. Known: "
                        + list().stream().map(ConfigFile::name).collect(Collectors.joining(", "))));
    }

    /** Parses and validates (after defaults); the result has no gaps. */
    public TrainingConfig load(String name) {
        return parseAndValidate(get(name).yaml());
    }

    /** Saves a user config after validating it; bundled names cannot be overwritten. */
    public ConfigFile save(String name, String yaml) {
        if (name == null || !name.matches("[a-z0-9][a-z0-9_-]{0,59}")) {
            throw new BadInputException("A config name is 1 to 60 lower-case letters, digits, '-' or '_' (got '" + name + "').");
        }
        if (BUNDLED.contains(name)) {
            throw BadInputException.conflict("'" + name + "' is a bundled config and cannot be changed; save under another name.");
        }
        parseAndValidate(yaml);
        try {
            Path target = Workspace.resolveInside(userDir, name + ".yaml");
            Path tmp = Files.createTempFile(userDir, name, Workspace.UNFINISHED);
            Files.writeString(tmp, yaml, StandardCharsets.UTF_8);
            Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot save the config: " + e.getMessage(), e);
        }
        return get(name);
    }

    public void delete(String name) {
        if (BUNDLED.contains(name)) {
            throw new BadInputException("'" + name + "' is a bundled config and cannot be deleted.");
        }
        try {
            if (!Files.deleteIfExists(Workspace.resolveInside(userDir, name + ".yaml"))) {
                throw BadInputException.notFound("No user config named '" + name + "'.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TrainingConfig parseAndValidate(String yaml) {
        TrainingConfig c = parse(yaml).withDefaults();
        List<String> problems = c.problems();
        if (!problems.isEmpty()) {
            throw new BadInputException("Invalid training config: " + String.join(" ", problems));
        }
        return c;
    }

    /** YAML to a config (gaps allowed), or a {@link BadInputException} naming the offending key. */
    public static TrainingConfig parse(String yaml) {
        if (yaml == null || yaml.isBlank()) {
            throw new BadInputException("The config is empty.");
        }
        try {
            TrainingConfig c = YAML.readValue(yaml, TrainingConfig.class);
            if (c == null) {
                throw new BadInputException("The config is empty.");
            }
            return c;
        } catch (UnrecognizedPropertyException e) {
            String full = path(e);
            String where = full.contains(".") ? full.substring(0, full.lastIndexOf('.')) : "";
            List<String> known = e.getKnownPropertyIds().stream().map(Object::toString)
                    .map(s -> PropertyNamingStrategies.SnakeCaseStrategy.INSTANCE.translate(s)).sorted().toList();
            throw new BadInputException("Unknown key '" + e.getPropertyName() + "'" + (where.isEmpty() ? "" : " in " + where)
                    + ". Known keys: " + String.join(", ", known) + ".");
        } catch (InvalidFormatException e) {
            throw new BadInputException(path(e) + " has the wrong type: expected " + typeName(e.getTargetType())
                    + ", got '" + e.getValue() + "'.");
        } catch (MismatchedInputException e) {
            throw new BadInputException(path(e) + " has the wrong type: expected " + typeName(e.getTargetType()) + ".");
        } catch (JsonProcessingException e) {
            throw malformed(e);
        }
    }

    private static BadInputException malformed(JsonProcessingException e) {
        java.util.regex.Matcher number = java.util.regex.Pattern.compile("^Numeric value \\((.*?)\\) out of range").matcher(e.getOriginalMessage());
        if (number.find()) { // a number too big for its field, e.g. max_steps: 3000000000: name the key as for a wrong type
            String key = e instanceof JsonMappingException m && !m.getPath().isEmpty() ? path(m) : key(e);
            return new BadInputException(key + " is out of range: " + number.group(1) + " does not fit a whole number (at most 2,147,483,647).");
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
        return new BadInputException("The YAML is malformed" + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
    }

    /** The dotted key the parser was reading when it failed, e.g. training.max_steps. */
    private static String key(JsonProcessingException e) {
        List<String> names = new java.util.ArrayList<>();
        if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser) {
            for (com.fasterxml.jackson.core.JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
                if (c.getCurrentName() != null) {
                    names.add(0, c.getCurrentName());
                }
            }
        }
        return names.isEmpty() ? "A number" : String.join(".", names);
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String typeName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        return "a " + type.getSimpleName().toLowerCase(Locale.ROOT) + " section";
    }

    /** The resolved config as YAML (what is stored with a run). */
    public static String toYaml(TrainingConfig config) {
        try {
            return YAML.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
