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

    /** A tab whose content is built when first opened: a page loads with its first tab only. */
    public static void lazyTab(com.vaadin.flow.component.tabs.TabSheet tabs, String label, java.util.function.Supplier<Component> content) {
        com.vaadin.flow.component.orderedlayout.VerticalLayout holder = new com.vaadin.flow.component.orderedlayout.VerticalLayout();
        holder.setPadding(false);
        com.vaadin.flow.component.tabs.Tab tab = tabs.add(label, holder);
        tabs.addSelectedChangeListener(e -> {
            if (e.getSelectedTab() == tab && holder.getComponentCount() == 0) {
                holder.add(content.get());
            }
        });
    }
}
