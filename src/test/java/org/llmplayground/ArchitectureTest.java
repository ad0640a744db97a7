package org.llmplayground;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layering rules of DESIGN.md, checked on the compiled classes. */
class ArchitectureTest {
    static final JavaClasses CLASSES = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.llmplayground");

    @Test
    void viewsNeverTouchComputeOrNetworkLibraries() {
        noClasses().that().resideInAPackage("..ui..")
                .should().dependOnClassesThat().resideInAnyPackage("ai.djl..", "org.apache.lucene..", "okhttp3..", "com.knuddels..")
                .because("views talk to services; tensors, indexes and HTTP clients stay inside them")
                .check(CLASSES);
    }

    @Test
    void algorithmsAreFreeOfFrameworks() {
        noClasses().that().resideInAnyPackage("..tokenizer.bpe..", "..model.nn..", "..model.io..")
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut..", "com.vaadin..", "jakarta.inject..")
                .because("algorithm classes are plain Java a learner can read and test alone")
                .check(CLASSES);
    }

    /** See {@link org.llmplayground.model.nn.Scalars}: DJL's tensor-number ops free memory autograd still reads. */
    @Test
    void numbersEnterTheGraphOnlyThroughScalars() {
        var rule = noClasses().that().resideInAnyPackage("..model.nn..", "..training..").and().doNotHaveSimpleName("Scalars")
                .should().callMethod(ai.djl.ndarray.NDArray.class, "mul", Number.class);
        for (String op : new String[]{"div", "add", "sub", "pow", "muli", "divi", "addi", "subi"}) {
            rule = rule.orShould().callMethod(ai.djl.ndarray.NDArray.class, op, Number.class);
        }
        rule.because("a number passed to a DJL op is a tensor over a Java buffer that is freed while the backward pass may still read it")
                .check(CLASSES);
    }

    @Test
    void apiAndUiDoNotDependOnEachOther() {
        noClasses().that().resideInAPackage("..api..").should().dependOnClassesThat().resideInAPackage("..ui..").check(CLASSES);
        noClasses().that().resideInAPackage("..ui..").should().dependOnClassesThat().resideInAPackage("..api..").check(CLASSES);
    }

    /** The labs; {@code core} and {@code corpus} are the shared pieces, {@code app} is the shell that lists the labs. */
    static final String[] LABS = {"tokenizer", "model", "training", "generation", "data", "finetune", "preference", "evaluation"};

    @Test
    void noLabImportsAnotherLabsUi() {
        for (String lab : LABS) {
            String[] others = java.util.Arrays.stream(LABS).filter(o -> !o.equals(lab)).map(o -> "org.llmplayground." + o + ".ui..")
                    .toArray(String[]::new);
            noClasses().that().resideInAPackage("org.llmplayground." + lab + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(others)
                    .because("a lab's views are its own; what labs share lives in core (jobs, charts, JobProgress) or corpus")
                    .check(CLASSES);
        }
    }

    @Test
    void corporaAreSharedAndTheDataLabIsALeaf() {
        noClasses().that().resideOutsideOfPackages("org.llmplayground.data..", "org.llmplayground.app..")
                .should().dependOnClassesThat().resideInAPackage("org.llmplayground.data..")
                .because("the corpus store is in corpus/; the Tokenizer, Transformer and Training labs read corpora without the Data lab")
                .check(CLASSES);
        noClasses().that().resideInAnyPackage("org.llmplayground.core..", "org.llmplayground.corpus..")
                .should().dependOnClassesThat().resideInAnyPackage(java.util.Arrays.stream(LABS).map(l -> "org.llmplayground." + l + "..")
                        .toArray(String[]::new))
                .because("shared pieces know nothing of the labs built on them")
                .check(CLASSES);
    }
}
