package org.sparkbnn.ml.paramgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The processor on sources of its own: what it generates from a Param set, and how it refuses a field. */
class ParamInterfaceProcessorTest {

  private static final String GOOD = """
      package demo;
      import org.apache.spark.ml.param.*;
      import org.sparkbnn.ml.ChoiceParam;
      import org.sparkbnn.ml.paramgen.ParamInterfaces;
      import org.sparkbnn.ml.paramgen.ParamInterfaces.FitOnly;
      @ParamInterfaces(accessors = "DemoParams", owner = "paramSet", setters = "DemoSetters",
          fitSetters = "DemoFitSetters")
      public final class DemoParamSet extends org.sparkbnn.ml.ParamSet {
        final IntParam samples = atLeast("samples", "how many", 1, 3);
        final ChoiceParam mode = choice("mode", "how.", new String[] {"fast", "exact"}, "fast");
        @FitOnly
        final IntArrayParam layers = layerSizes("layers", "sizes", new int[] {2});
        public DemoParamSet(Params owner) { super(owner); }
      }
      """;

  private static List<Diagnostic<? extends JavaFileObject>> compile(Path dir, String source) throws Exception {
    Path src = dir.resolve("src/demo/DemoParamSet.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, source);
    Files.createDirectories(dir.resolve("out"));
    Files.createDirectories(dir.resolve("gen"));
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, null)) {
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d",
          dir.resolve("out").toString(), "-s", dir.resolve("gen").toString(), "-processor",
          ParamInterfaceProcessor.class.getName());
      javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(src.toFile())).call();
    }
    return diagnostics.getDiagnostics();
  }

  private static String errors(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
    return diagnostics.stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
        .map(d -> d.getLineNumber() + ": " + d.getMessage(Locale.ROOT)).collect(Collectors.joining("\n"));
  }

  @Test
  void generatesAccessorsGettersAndSettersSplitByFitOnly(@TempDir Path dir) throws Exception {
    assertEquals("", errors(compile(dir, GOOD)));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("out").toUri().toURL()},
        getClass().getClassLoader())) {
      Class<?> params = loader.loadClass("demo.DemoParams");
      Class<?> setters = loader.loadClass("demo.DemoSetters");
      Class<?> fitSetters = loader.loadClass("demo.DemoFitSetters");
      assertEquals(loader.loadClass("demo.DemoParamSet"), params.getMethod("paramSet").getReturnType());
      assertEquals(int.class, params.getMethod("getSamples").getReturnType());
      assertEquals(String.class, params.getMethod("getMode").getReturnType());
      assertEquals(int[].class, params.getMethod("getLayers").getReturnType());
      assertEquals(org.sparkbnn.ml.ChoiceParam.class, params.getMethod("mode").getReturnType());
      // The setter of a @FitOnly Param is in the fit setters only, which extend the others.
      assertTrue(hasMethod(setters, "setSamples") && hasMethod(setters, "setMode"));
      assertFalse(hasMethod(setters, "setLayers"));
      assertTrue(hasMethod(fitSetters, "setLayers"));
      assertTrue(setters.isAssignableFrom(fitSetters) && params.isAssignableFrom(setters));
    }
    // A choice Param is read, and stored by its setter, in canonical spelling.
    String getters = Files.readString(dir.resolve("gen/demo/DemoParams.java"));
    assertTrue(getters.contains("return mode().canonical(getOrDefault(mode()));"), getters);
    String setterSource = Files.readString(dir.resolve("gen/demo/DemoSetters.java"));
    assertTrue(setterSource.contains("set(mode(), mode().canonical(v));"), setterSource);
  }

  @Test
  void refusesAFieldOfAnUnknownKindNamingIt(@TempDir Path dir) throws Exception {
    String bad = GOOD.replace("final IntParam samples = atLeast(\"samples\", \"how many\", 1, 3);",
        "final FloatParam ratio = null;");
    String errors = errors(compile(dir, bad));
    assertTrue(errors.contains("FloatParam") && errors.startsWith("9: "), errors);
  }

  @Test
  void refusesAPrivateParamField(@TempDir Path dir) throws Exception {
    String errors = errors(compile(dir, GOOD.replace("final IntParam samples", "private final IntParam samples")));
    assertTrue(errors.contains("non-private") && errors.startsWith("9: "), errors);
  }

  private static boolean hasMethod(Class<?> type, String name) {
    for (Method m : type.getDeclaredMethods()) if (m.getName().equals(name)) return true;
    return false;
  }
}
