package io.streamgrid.it;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
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
    private static final Path OLDEST = KafkaRelease.COMPAT.resolve("kafka-3.7").resolve("target").resolve("lib");

    @Test
    void outsideTheGuardThePluginsUseOnlyWhatKafka37Has() throws Exception {
        List<Reference> references = pluginReferences();
        try (URLClassLoader kafka37 = new URLClassLoader(jars(OLDEST), ClassLoader.getPlatformClassLoader())) {
            Set<String> missing = new TreeSet<>();
            Set<String> missingInGuard = new TreeSet<>();
            for (Reference reference : references) {
                if (!exists(reference, kafka37)) {
                    (reference.from().startsWith(GUARD) ? missingInGuard : missing).add(reference.toString());
                }
            }
            assertThat(references).as("the scan found our references to Kafka").hasSizeGreaterThan(100);
            assertThat(missingInGuard).as("the scan sees the newer API the guard uses, so it would see it elsewhere")
                    .anyMatch(r -> r.contains("pluginMetrics"));
            assertThat(missing).as("references to Kafka APIs newer than 3.7 outside " + GUARD
                    + " (move them behind io.streamgrid.common.compat.WorkerFeatures)").isEmpty();
        }
    }

    /** A reference from one of our classes to a Kafka class ({@code name} null), method or field. */
    record Reference(String from, String owner, String name, String descriptor, boolean method) {
        @Override
        public String toString() {
            return from + " -> " + owner.replace('/', '.') + (name == null ? "" : "." + name + descriptor);
        }
    }

    private static List<Reference> pluginReferences() throws IOException {
        Set<Reference> references = new LinkedHashSet<>();
        try (Stream<Path> files = Files.walk(ConnectCluster.PLUGINS)) {
            for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    Enumeration<JarEntry> entries = file.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (entry.getName().startsWith("io/streamgrid/") && entry.getName().endsWith(".class")) {
                            try (InputStream in = file.getInputStream(entry)) {
                                new ClassReader(in).accept(new Collector(references), ClassReader.SKIP_FRAMES);
                            }
                        }
                    }
                }
            }
        }
        return new ArrayList<>(references);
    }

    /** Collects every reference to org.apache.kafka from a class: super types, instructions, handles, descriptors. */
    private static final class Collector extends ClassVisitor {
        private final Set<Reference> references;
        private String current;

        Collector(Set<Reference> references) {
            super(Opcodes.ASM9);
            this.references = references;
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
        public org.objectweb.asm.FieldVisitor visitField(int access, String name, String descriptor, String signature,
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
                public void visitTryCatchBlock(org.objectweb.asm.Label start, org.objectweb.asm.Label end,
                                               org.objectweb.asm.Label handler, String type) {
                    type(type);
                }
            };
        }

        private void member(String owner, String name, String descriptor, boolean method) {
            if (owner.startsWith("org/apache/kafka/")) {
                references.add(new Reference(current, owner, name, descriptor, method));
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
            if (internalName != null && internalName.startsWith("org/apache/kafka/")) {
                references.add(new Reference(current, internalName, null, null, false));
            }
        }
    }

    private static boolean exists(Reference reference, ClassLoader loader) {
        Class<?> owner;
        try {
            owner = Class.forName(reference.owner().replace('/', '.'), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        if (reference.name() == null) {
            return true;
        }
        Deque<Class<?>> types = new ArrayDeque<>(List.of(owner, Object.class));
        Set<Class<?>> seen = new LinkedHashSet<>();
        while (!types.isEmpty()) {
            Class<?> type = types.pop();
            if (!seen.add(type)) {
                continue;
            }
            if (declares(type, reference)) {
                return true;
            }
            if (type.getSuperclass() != null) {
                types.push(type.getSuperclass());
            }
            types.addAll(List.of(type.getInterfaces()));
        }
        return false;
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
