package org.llmplayground.core.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;

/** Layout pieces the labs share. */
public final class Layouts {
    private Layouts() {
    }

    /** Fields and buttons side by side, aligned on their text baseline, wrapping onto the next line when narrow. */
    public static HorizontalLayout row(Component... items) {
        HorizontalLayout row = new HorizontalLayout(items);
        row.setAlignItems(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        return row;
    }
}
