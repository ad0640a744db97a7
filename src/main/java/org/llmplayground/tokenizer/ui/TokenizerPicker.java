package org.llmplayground.tokenizer.ui;

import com.vaadin.flow.component.combobox.ComboBox;
import org.llmplayground.tokenizer.TokenizerInfo;

import java.util.List;

/** Picks one tokenizer; keeps the current choice when the list is refreshed, else starts on GPT-2. */
class TokenizerPicker extends ComboBox<TokenizerInfo> {
    static final String DEFAULT = "gpt2";

    TokenizerPicker(String id) {
        super("Tokenizer");
        setId(id);
        setItemLabelGenerator(t -> t.name() + "  [" + t.id() + "]");
        setWidth("22em");
    }

    void setTokenizers(List<TokenizerInfo> all) {
        String keep = getValue() == null ? DEFAULT : getValue().id();
        setItems(all);
        setValue(all.stream().filter(t -> t.id().equals(keep)).findFirst()
                .orElse(all.stream().filter(t -> t.id().equals(DEFAULT)).findFirst().orElse(all.get(0))));
    }

    void select(String tokenizerId) {
        getListDataView().getItems().filter(t -> t.id().equals(tokenizerId)).findFirst().ifPresent(this::setValue);
    }
}
