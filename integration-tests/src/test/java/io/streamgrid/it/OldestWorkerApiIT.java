package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamgrid.it.planted.PlantedBase;
import io.streamgrid.it.planted.PlantedCaller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The compatibility rule, checked in the byte code of the packaged plugins: outside the guard package
 * {@code io.streamgrid.common.compat}, our classes reference no Kafka class, method or field that the oldest
 * supported worker (Kafka 3.7) lacks. Such a reference would build and pass every test on the newest Kafka and
 * fail only at run time, on an older worker, with {@code NoSuchMethodError} or {@code NoClassDefFoundError}.
 */
class OldestWorkerApiIT {

    private static final String GUARD = "io/streamgrid/common/compat/";
    private static final String KAFKA = "org/apache/kafka/";
    private static final Path OLDEST = KafkaRelease.COMPAT.resolve("kafka-3.7").resolve("target").resolve("lib");

    @Test
    void outsideTheGuardThePluginsUseOnlyWhatKafka37Has() throws Exception {
        List<Reference> references = references(pluginClasses());
        try (URLClassLoader kafka37 = kafka37()) {
            Set<String> missing = new TreeSet<>();
            Set<String> missingInGuard = new TreeSet<>();
            for (Reference reference : references) {
                if (!exists(reference, kafka37)) {
                    (reference.from().startsWith(GUARD) ? missingInGuard : missing).add(reference.toString());
                }
            }
            assertThat(references).as("the scan found our references to Kafka").hasSizeGreaterThan(100)
                    .as("and the members our classes inherit from Kafka's (the tasks' context), on Kafka's class")
                    .anyMatch(r -> r.owner().equals("org/apache/kafka/connect/sink/SinkTask")
                            && "context".equals(r.name()));
            assertThat(missingInGuard).as("the scan sees the newer API the guard uses, so it would see it elsewhere")
                    .anyMatch(r -> r.contains("pluginMetrics"));
            assertThat(missing).as("references to Kafka APIs newer than 3.7 outside " + GUARD
                    + " (move them behind io.streamgrid.common.compat.WorkerFeatures)").isEmpty();
        }
    }

    /**
     * The byte code of a call to an inherited method names the caller's class as the method's owner: the scan must
     * follow our own classes up to the Kafka type that declares it. Proved on a planted breach in the test sources.
     */
    @Test
    void aNewerKafkaMethodInheritedThroughOurOwnClassesIsFound() throws Exception {
        List<Reference> references = references(testClasses(PlantedCaller.class, PlantedBase.class));
        try (URLClassLoader kafka37 = kafka37()) {
            assertThat(references.stream().filter(r -> !exists(r, kafka37)).map(Reference::toString))
                    .containsExactlyInAnyOrder("io/streamgrid/it/planted/PlantedCaller -> org.apache.kafka.connect."
                                    + "sink.SinkTaskContext.pluginMetrics()Lorg/apache/kafka/common/metrics/PluginMetrics;",
                            "io/streamgrid/it/planted/PlantedCaller -> org.apache.kafka.common.metrics.PluginMetrics");
        }
    }

    private static URLClassLoader kafka37() throws IOException {
        return new URLClassLoader(jars(OLDEST), ClassLoader.getPlatformClassLoader());
    }

    /** A reference from one of our classes to a Kafka class ({@code name} null), method or field. */
    record Reference(String from, String owner, String name, String descriptor, boolean method) {
        @Override
        public String toString() {
            return from + " -> " + owner.replace('/', '.') + (name == null ? "" : "." + name + descriptor);
        }
    }

    /** Our classes in the packaged plugins, by internal name. */
    private static Map<String, byte[]> pluginClasses() throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(ConnectCluster.PLUGINS)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (entry.getName().startsWith("io/streamgrid/") && entry.getName().endsWith(".class")) {
                            try (InputStream in = file.getInputStream(entry)) {
                                classes.put(entry.getName().replaceFirst("\\.class$", ""), in.readAllBytes());
                            }
                        }
                    }
                }
            }
        }
        return classes;
    }

    private static Map<String, byte[]> testClasses(Class<?>... types) throws IOException {
        Map<String, byte[]> classes = new HashMap<>();
        for (Class<?> type : types) {
            String name = Type.getInternalName(type);
            try (InputStream in = type.getResourceAsStream("/" + name + ".class")) {
                classes.put(name, in.readAllBytes());
            }
        }
        return classes;
    }

    private static List<Reference> references(Map<String, byte[]> classes) {
        Map<String, ClassInfo> ours = new HashMap<>();
        classes.forEach((name, bytes) -> ours.put(name, ClassInfo.of(bytes)));
        Set<Reference> references = new LinkedHashSet<>();
        for (byte[] bytes : classes.values()) {
            new ClassReader(bytes).accept(new Collector(references, ours), ClassReader.SKIP_FRAMES);
        }
        return new ArrayList<>(references);
    }

    /** One of our classes as the resolution of an inherited member needs it: its super types and its own members. */
    private record ClassInfo(String superName, List<String> interfaces, Set<String> members) {

        static ClassInfo of(byte[] bytes) {
            ClassReader reader = new ClassReader(bytes);
            Set<String> members = new HashSet<>();
            reader.accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                               Object value) {
                    members.add(name + descriptor);
                    return null;
                }

                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                                 String[] exceptions) {
                    members.add(name + descriptor);
                    return null;
                }
            }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return new ClassInfo(reader.getSuperName(), List.of(reader.getInterfaces()), members);
        }
    }

    /**
     * The Kafka class that declares the member a reference names on one of our classes ({@code owner}), as the
     * JVM resolves it: up the superclasses, then through the interfaces; null when one of ours declares it, or
     * nothing of Kafka's does. The byte code of {@code this.pluginMetrics()} in a class of ours that extends a
     * Kafka type names our class, not Kafka's, as the owner.
     */
    private static String kafkaDeclaring(Map<String, ClassInfo> ours, String owner, String name, String descriptor,
                                         boolean method) {
        List<String> interfaces = new ArrayList<>();
        for (String type = owner; type != null; ) {
            if (type.startsWith(KAFKA)) {
                return declaringInNewestKafka(type, name, descriptor, method);
            }
            ClassInfo info = ours.get(type);
            if (info == null) {
                break; // the JDK's or another library's
            }
            if (info.members().contains(name + descriptor)) {
                return null;
            }
            interfaces.addAll(info.interfaces());
            type = info.superName();
        }
        Deque<String> pending = new ArrayDeque<>(interfaces);
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String type = pending.removeFirst();
            if (!seen.add(type)) {
                continue;
            }
            if (type.startsWith(KAFKA)) {
                String declaring = declaringInNewestKafka(type, name, descriptor, method);
                if (declaring != null) {
                    return declaring;
                }
                continue;
            }
            ClassInfo info = ours.get(type);
            if (info != null) {
                if (info.members().contains(name + descriptor)) {
                    return null;
                }
                pending.addAll(info.interfaces());
            }
        }
        return null;
    }

    /** Where in the Kafka the build compiles against (the test class path) {@code type} gets the member from. */
    private static String declaringInNewestKafka(String type, String name, String descriptor, boolean method) {
        Class<?> declaring = declaringClass(new Reference(type, type, name, descriptor, method),
                OldestWorkerApiIT.class.getClassLoader());
        return declaring == null ? null : Type.getInternalName(declaring);
    }

    /** Collects every reference to org.apache.kafka from a class: super types, instructions, handles, descriptors. */
    private static final class Collector extends ClassVisitor {
        private final Set<Reference> references;
        private final Map<String, ClassInfo> ours;
        private String current;

        Collector(Set<Reference> references, Map<String, ClassInfo> ours) {
            super(Opcodes.ASM9);
            this.references = references;
            this.ours = ours;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                          String[] interfaces) {
            current = name;
            type(superName);
            if (interfaces != null) {
                Stream.of(interfaces).forEach(this::type);
            }
        }

        @Override
        public FieldVisitor visitField(int access, String name, String descriptor, String signature,
                                       Object value) {
            descriptorTypes(descriptor);
            return null;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            descriptorTypes(descriptor);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean itf) {
                    member(owner, name, descriptor, true);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
                    member(owner, name, descriptor, false);
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(type.startsWith("[") ? Type.getType(type).getElementType().getInternalName() : type);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Type t && t.getSort() == Type.OBJECT) {
                        type(t.getInternalName());
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... args) {
                    descriptorTypes(descriptor);
                    for (Object arg : args) {
                        if (arg instanceof Handle handle) {
                            member(handle.getOwner(), handle.getName(), handle.getDesc(),
                                    handle.getTag() >= Opcodes.H_INVOKEVIRTUAL);
                        }
                    }
                }

                @Override
                public void visitTryCatchBlock(Label start, Label end,
                                               Label handler, String type) {
                    type(type);
                }
            };
        }

        private void member(String owner, String name, String descriptor, boolean method) {
            if (owner.startsWith(KAFKA)) {
                references.add(new Reference(current, owner, name, descriptor, method));
            } else if (ours.containsKey(owner)) {
                String declaring = kafkaDeclaring(ours, owner, name, descriptor, method);
                if (declaring != null) {
                    references.add(new Reference(current, declaring, name, descriptor, method));
                }
            }
            descriptorTypes(descriptor);
        }

        private void descriptorTypes(String descriptor) {
            Type type = Type.getType(descriptor);
            List<Type> types = new ArrayList<>();
            if (type.getSort() == Type.METHOD) {
                types.addAll(List.of(type.getArgumentTypes()));
                types.add(type.getReturnType());
            } else {
                types.add(type);
            }
            for (Type t : types) {
                Type element = t.getSort() == Type.ARRAY ? t.getElementType() : t;
                if (element.getSort() == Type.OBJECT) {
                    type(element.getInternalName());
                }
            }
        }

        private void type(String internalName) {
            if (internalName != null && internalName.startsWith(KAFKA)) {
                references.add(new Reference(current, internalName, null, null, false));
            }
        }
    }

    private static boolean exists(Reference reference, ClassLoader loader) {
        return declaringClass(reference, loader) != null;
    }

    /**
     * The class that declares the referenced member in the Kafka {@code loader} holds, found from the reference's
     * owner up through its super types; for a reference to a class, the class itself; null when there is none.
     */
    private static Class<?> declaringClass(Reference reference, ClassLoader loader) {
        Class<?> owner;
        try {
            owner = Class.forName(reference.owner().replace('/', '.'), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (reference.name() == null) {
            return owner;
        }
        Deque<Class<?>> types = new ArrayDeque<>(List.of(owner, Object.class));
        Set<Class<?>> seen = new LinkedHashSet<>();
        while (!types.isEmpty()) {
            Class<?> type = types.pop();
            if (!seen.add(type)) {
                continue;
            }
            if (declares(type, reference)) {
                return type;
            }
            if (type.getSuperclass() != null) {
                types.push(type.getSuperclass());
            }
            types.addAll(List.of(type.getInterfaces()));
        }
        return null;
    }

    private static boolean declares(Class<?> type, Reference reference) {
        if (!reference.method()) {
            for (Field field : type.getDeclaredFields()) {
                if (field.getName().equals(reference.name())
                        && Type.getDescriptor(field.getType()).equals(reference.descriptor())) {
                    return true;
                }
            }
            return false;
        }
        if (reference.name().equals("<init>")) {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (Type.getConstructorDescriptor(constructor).equals(reference.descriptor())) {
                    return true;
                }
            }
            return false;
        }
        for (Method method : type.getDeclaredMethods()) {
            if (method.getName().equals(reference.name())
                    && Type.getMethodDescriptor(method).equals(reference.descriptor())) {
                return true;
            }
        }
        return false;
    }

    private static URL[] jars(Path lib) throws IOException {
        assertThat(lib).as("Kafka 3.7 jars (compat-workers builds them)").isDirectory();
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(f -> f.toString().endsWith(".jar")).map(f -> {
                try {
                    return f.toUri().toURL();
                } catch (MalformedURLException e) {
                    throw new UncheckedIOException(e);
                }
            }).toArray(URL[]::new);
        }
    }
}
