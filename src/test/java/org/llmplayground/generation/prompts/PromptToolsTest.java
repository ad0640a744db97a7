package org.llmplayground.generation.prompts;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.llmplayground.core.BadInputException;
import org.llmplayground.support.TestApp;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@MicronautTest(transactional = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PromptToolsTest implements TestPropertyProvider {
    @Inject
    PromptService prompts;

    @Override
    public Map<String, String> getProperties() {
        return TestApp.freshWorkspace("prompt-tools");
    }

    @Test
    void theLibraryHasOverTwentyTemplatesWhoseExamplesFillEveryVariable() {
        List<PromptTemplate> lib = prompts.library();
        assertThat(lib).hasSizeGreaterThanOrEqualTo(20);
        assertThat(lib.stream().map(PromptTemplate::category).distinct()).contains("classification", "summarisation",
                "question answering", "extraction", "translation", "rewriting", "reasoning");
        for (PromptTemplate t : lib) {
            assertThat(t.variables()).as(t.name()).isNotEmpty();
            assertThat(t.example().keySet()).as(t.name()).containsExactlyInAnyOrderElementsOf(t.variables());
            assertThat(t.render(t.example())).as(t.name()).doesNotContain("{{");
        }
    }

    @Test
    void variablesAreFoundInOrderAndSubstituted() {
        String text = "Translate from {{source}} to {{ target }}.\n{{source}}: {{text}}";
        assertThat(PromptTemplate.variables(text)).containsExactly("source", "target", "text");
        assertThat(PromptTemplate.render(text, Map.of("source", "English", "target", "French", "text", "a $1 \\ b")))
                .isEqualTo("Translate from English to French.\nEnglish: a $1 \\ b");
        assertThatThrownBy(() -> PromptTemplate.render(text, Map.of("source", "English")))
                .isInstanceOf(BadInputException.class).hasMessage("Fill in the variable 'target'.");
    }

    @Test
    void fewShotPromptsFollowOneLayout() {
        List<FewShot.Example> ex = FewShot.parse("I loved it => positive\n\nNever again => negative\n");
        assertThat(FewShot.build("Classify the sentiment.", ex, "The food was cold", "Input", "Output")).isEqualTo(
                "Classify the sentiment.\n\nInput: I loved it\nOutput: positive\n\nInput: Never again\nOutput: negative\n\n"
                        + "Input: The food was cold\nOutput:");
        assertThatThrownBy(() -> FewShot.parse("no arrow here")).hasMessage("Example line 1 needs \"input => output\".");
        assertThatThrownBy(() -> FewShot.build("", List.of(), "x", "Q", "A")).hasMessage("Add at least one example.");
    }

    @Test
    void theAdvisorNamesItsRules() {
        assertThat(PromptAdvisor.check("hi")).extracting(PromptAdvisor.Suggestion::rule).containsExactly("too-short");
        assertThat(PromptAdvisor.check("Classify this review: it broke in a day.")).extracting(PromptAdvisor.Suggestion::rule)
                .contains("no-output-format", "no-labels");
        String data = "The quarterly numbers were strong. ".repeat(12);
        assertThat(PromptAdvisor.check(data + "\nNow summarise the text above in three bullet points."))
                .extracting(PromptAdvisor.Suggestion::rule).contains("instruction-after-data", "no-delimiters");
        assertThat(PromptAdvisor.check("Summarise in 3 bullet points.\n\nText: \"\"\"" + data + "\"\"\""))
                .extracting(PromptAdvisor.Suggestion::rule).doesNotContain("instruction-after-data", "no-delimiters", "no-output-format");
        assertThat(PromptAdvisor.check("Write something about {{topic}} in one sentence."))
                .extracting(PromptAdvisor.Suggestion::rule).contains("unfilled-variable", "vague");
        String good = prompts.library().get(0).render(prompts.library().get(0).example());
        assertThat(PromptAdvisor.check(good)).isEmpty();
    }

    @Test
    void savedTemplatesKeepTheirVersions() {
        PromptTemplate v1 = prompts.save("my-summary", "first try", "Summarise: {{text}}");
        PromptTemplate v2 = prompts.save("my-summary", "with a format", "Summarise in one sentence: {{text}}");
        assertThat(v1.version()).isEqualTo(1);
        assertThat(v2.version()).isEqualTo(2);
        assertThat(prompts.versions("my-summary")).extracting(PromptTemplate::text)
                .containsExactly("Summarise in one sentence: {{text}}", "Summarise: {{text}}");
        assertThat(prompts.template("my-summary").version()).isEqualTo(2);
        assertThat(prompts.templates()).extracting(PromptTemplate::name).contains("sentiment", "my-summary");
        assertThatThrownBy(() -> prompts.save("sentiment", "", "x {{y}}")).hasMessage("'sentiment' is a curated template; save yours under another name.");
        assertThatThrownBy(() -> prompts.save("../etc", "", "x")).hasMessageStartingWith("A template name has 1 to 60 letters");
        assertThatThrownBy(() -> prompts.save("ok", "", " ")).hasMessage("The template is empty.");
    }
}
