package org.sparkbnn.ml.paramgen;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.annotation.processing.SupportedSourceVersion;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.tools.Diagnostic;

/**
 * Generates, for each class marked {@link ParamInterfaces}, the accessors-and-getters interface and the setter
 * interfaces of the Params its fields declare (see there). Runs in the main compilation (the pom compiles this
 * package first); the output lands in target/generated-sources/annotations.
 */
@SupportedAnnotationTypes("org.sparkbnn.ml.paramgen.ParamInterfaces")
@SupportedSourceVersion(SourceVersion.RELEASE_17)
public final class ParamInterfaceProcessor extends AbstractProcessor {
  private static final String SPARK_PARAM = "org.apache.spark.ml.param.";

  /** How a Param's value reads and writes in Java, by the Param's class. */
  private record Kind(String paramClass, String valueType, String setterType, String cast) {}

  private static final List<Kind> KINDS = List.of(
      new Kind(SPARK_PARAM + "DoubleParam", "double", "double", "(Double) "),
      new Kind(SPARK_PARAM + "IntParam", "int", "int", "(Integer) "),
      new Kind(SPARK_PARAM + "LongParam", "long", "long", "(Long) "),
      new Kind(SPARK_PARAM + "BooleanParam", "boolean", "boolean", "(Boolean) "),
      new Kind(SPARK_PARAM + "IntArrayParam", "int[]", "int...", ""),
      new Kind("org.sparkbnn.ml.ChoiceParam", "String", "String", ""),
      new Kind(SPARK_PARAM + "Param<java.lang.String>", "String", "String", ""));

  private record Field(String name, String type, Kind kind, boolean fitOnly) {}

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    for (Element e : round.getElementsAnnotatedWith(ParamInterfaces.class)) {
      TypeElement set = (TypeElement) e;
      List<Field> fields = fields(set);
      if (fields == null) continue;
      try {
        generate(set, set.getAnnotation(ParamInterfaces.class), fields);
      } catch (IOException ex) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "cannot write: " + ex.getMessage(), set);
      }
    }
    return true;
  }

  /** The Param fields in declaration order, or null after reporting a field of a kind this does not know. */
  private List<Field> fields(TypeElement set) {
    List<Field> fields = new ArrayList<>();
    boolean ok = true;
    for (Element member : set.getEnclosedElements()) {
      if (member.getKind() != ElementKind.FIELD || member.getModifiers().contains(Modifier.STATIC)) continue;
      VariableElement field = (VariableElement) member;
      String type = field.asType().toString();
      Kind kind = KINDS.stream().filter(k -> k.paramClass.equals(type)).findFirst().orElse(null);
      if (kind == null || field.getModifiers().contains(Modifier.PRIVATE)) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "a Param field of a @ParamInterfaces"
            + " class must be non-private and one of " + KINDS.stream().map(Kind::paramClass).toList()
            + ", not " + type, field);
        ok = false;
        continue;
      }
      fields.add(new Field(field.getSimpleName().toString(), type, kind,
          field.getAnnotation(ParamInterfaces.FitOnly.class) != null));
    }
    return ok ? fields : null;
  }

  private void generate(TypeElement set, ParamInterfaces spec, List<Field> fields) throws IOException {
    String pkg = ((PackageElement) set.getEnclosingElement()).getQualifiedName().toString();
    String owner = spec.owner() + "()";

    StringBuilder accessors = new StringBuilder();
    accessors.append("  /** The owning stage's {@link ").append(set.getSimpleName()).append("}. */\n  ")
        .append(set.getSimpleName()).append(' ').append(owner).append(";\n\n");
    for (Field f : fields) {
      accessors.append("  default ").append(f.type).append(' ').append(f.name).append("() { return ").append(owner)
          .append('.').append(f.name).append("; }\n");
    }
    accessors.append('\n');
    for (Field f : fields) {
      String read = "getOrDefault(" + f.name + "())";
      if (isChoice(f)) read = f.name + "().canonical(" + read + ")";
      accessors.append("  default ").append(f.kind.valueType).append(" get").append(capitalised(f.name))
          .append("() { return ").append(f.kind.cast).append(read).append("; }\n");
    }
    write(set, pkg, "public interface " + spec.accessors() + " extends " + spec.accessorsExtend(),
        "The Params declared in {@link " + set.getSimpleName() + "}: accessors and getters", accessors);

    writeSetters(set, pkg, spec.setters(), spec.accessors(), fields, false,
        "Setters of the Params declared in {@link " + set.getSimpleName() + "} for every stage that has them");
    if (!spec.fitSetters().isEmpty()) {
      writeSetters(set, pkg, spec.fitSetters(), spec.setters() + "<T>", fields, true,
          "Setters of the Params declared in {@link " + set.getSimpleName() + "} that only a fit reads");
    }
  }

  private void writeSetters(TypeElement set, String pkg, String name, String parent, List<Field> fields,
      boolean fitOnly, String doc) throws IOException {
    StringBuilder body = new StringBuilder();
    for (Field f : fields) {
      if (f.fitOnly != fitOnly) continue;
      // A choice is stored in canonical spelling, so saved stages and fingerprints do not depend on the user's.
      String value = isChoice(f) ? f.name + "().canonical(v)" : "v";
      body.append("  default T set").append(capitalised(f.name)).append('(').append(f.kind.setterType)
          .append(" v) { set(").append(f.name).append("(), ").append(value).append("); return (T) this; }\n");
    }
    write(set, pkg, "@SuppressWarnings(\"unchecked\")\npublic interface " + name + "<T extends " + name
        + "<T>> extends " + parent, doc + " ({@code T}: the stage, so calls chain)", body);
  }

  private void write(TypeElement set, String pkg, String declaration, String doc, CharSequence body)
      throws IOException {
    String simpleName = declaration.replaceFirst("(?s).*public interface (\\w+).*", "$1");
    try (Writer w = processingEnv.getFiler().createSourceFile(pkg + "." + simpleName, set).openWriter()) {
      w.write("package " + pkg + ";\n\n/** " + doc + ". Generated by " + getClass().getSimpleName() + "; edit the"
          + " declarations, not this file. */\n@javax.annotation.processing.Generated(\"" + getClass().getName()
          + "\")\n" + declaration + " {\n" + body + "}\n");
    }
  }

  private static boolean isChoice(Field f) {
    return f.kind.paramClass.endsWith(".ChoiceParam");
  }

  private static String capitalised(String name) {
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }
}
