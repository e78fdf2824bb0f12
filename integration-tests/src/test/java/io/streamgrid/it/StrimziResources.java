package io.streamgrid.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.connect.KafkaConnect;
import io.strimzi.api.kafka.model.connector.KafkaConnector;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes resources read as the Strimzi operator and the API server read them: each document of a YAML file into
 * Strimzi's model classes (io.strimzi:api) or fabric8's Kubernetes model, so a misspelt or misplaced field is an
 * error instead of a setting nobody applies. The models keep a field they do not know aside (in
 * {@code additionalProperties}) rather than fail; {@link #unknownFields} finds them.
 */
final class StrimziResources {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Map<String, Class<?>> KINDS = Map.of(
            "KafkaConnect", KafkaConnect.class,
            "KafkaConnector", KafkaConnector.class,
            "Role", Role.class,
            "RoleBinding", RoleBinding.class,
            "Service", Service.class);

    private StrimziResources() {
    }

    /** A document of a file: its source (file and index) and the model object it became. */
    record Resource(String source, Object model) {
    }

    /** Every document of the file as its kind's model; a kind we do not know fails. */
    static List<Resource> read(Path file) throws IOException {
        List<Resource> resources = new ArrayList<>();
        try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            int index = 0;
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                String kind = document.path("kind").asText();
                Class<?> type = KINDS.get(kind);
                if (type == null) {
                    throw new IllegalArgumentException(file + " document " + index + ": kind '" + kind
                            + "' is none of " + KINDS.keySet());
                }
                resources.add(new Resource(file.getFileName() + "#" + index, YAML.treeToValue(document, type)));
                index++;
            }
        }
        return resources;
    }

    /** Every field the model did not know, with its path ({@code spec.build.plugin[0].artifact[0]: [shasum]}). */
    static List<String> unknownFields(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found, Collections.newSetFromMap(new IdentityHashMap<>()));
        return found;
    }

    private static void walk(Object value, String path, List<String> found, Set<Object> seen) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, found, seen));
            return;
        }
        String type = value.getClass().getName();
        if (!(type.startsWith("io.strimzi.") || type.startsWith("io.fabric8.")) || value.getClass().isEnum()
                || !seen.add(value)) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            String name = getter.getName();
            if (getter.getParameterCount() != 0 || !name.startsWith("get") || name.equals("getClass")
                    || Modifier.isStatic(getter.getModifiers())) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue; // a computed property that cannot be read here; it holds nothing from the file
            }
            if (name.equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "(top)" : path.substring(1)) + ": " + extra.keySet());
                }
            } else {
                walk(property, path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), found, seen);
            }
        }
    }
}
