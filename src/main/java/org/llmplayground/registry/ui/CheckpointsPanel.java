package org.llmplayground.registry.ui;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import org.llmplayground.core.BadInputException;
import org.llmplayground.registry.CheckpointBrowser;

import java.util.Locale;
import java.util.function.Supplier;

import static org.llmplayground.core.ui.Layouts.row;

/** Every training run's checkpoints: open as a model, promote to a named model, delete with the space freed. */
class CheckpointsPanel extends VerticalLayout {
    private final CheckpointBrowser checkpoints;
    private final Grid<CheckpointBrowser.Checkpoint> grid = new Grid<>();
    private final TextField name = new TextField("Promote as");
    private final Span status = new Span();
    private final Runnable changed;

    CheckpointsPanel(CheckpointBrowser checkpoints, Runnable changed) {
        this.checkpoints = checkpoints;
        this.changed = changed;
        setPadding(false);
        grid.setId("checkpoints-grid");
        grid.addThemeVariants(GridVariant.LUMO_COMPACT);
        grid.addColumn(CheckpointBrowser.Checkpoint::runName).setHeader("Run").setFlexGrow(2);
        grid.addColumn(CheckpointBrowser.Checkpoint::runState).setHeader("State");
        grid.addColumn(CheckpointBrowser.Checkpoint::step).setHeader("Step");
        grid.addColumn(c -> c.trainLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", c.trainLoss())).setHeader("Train loss");
        grid.addColumn(c -> c.valLoss() == null ? "" : String.format(Locale.ROOT, "%.4f", c.valLoss())).setHeader("Val loss");
        grid.addColumn(c -> ModelsView.mb(c.sizeBytes())).setHeader("Size");
        grid.addColumn(c -> c.open() ? c.modelId() + " (open)" : c.modelId()).setHeader("Model id").setFlexGrow(2);
        grid.setAllRowsVisible(true);
        name.setId("checkpoints-name");
        name.setPlaceholder("my model");
        Button open = new Button("Open as a model", e -> act(() -> "Opened as " + checkpoints.open(selected().run(), selected().step()).id()
                + ": Generation, Chat and Evaluation list it now."));
        open.setId("checkpoints-open");
        open.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        Button promote = new Button("Promote", e -> act(() -> "Promoted to " + checkpoints.promote(selected().run(), selected().step(), name.getValue()).id()
                + ": it stays when the run is deleted."));
        promote.setId("checkpoints-promote");
        Button delete = new Button("Delete", e -> act(() -> "Deleted; " + ModelsView.mb(checkpoints.delete(selected().run(), selected().step())) + " freed."));
        delete.setId("checkpoints-delete");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        status.setId("checkpoints-status");
        add(grid, row(open, name, promote, delete), status);
        refresh();
    }

    void refresh() {
        grid.setItems(checkpoints.list(null));
    }

    private CheckpointBrowser.Checkpoint selected() {
        CheckpointBrowser.Checkpoint c = grid.asSingleSelect().getValue();
        if (c == null) {
            throw new BadInputException("Select a checkpoint first.");
        }
        return c;
    }

    private void act(Supplier<String> action) {
        try {
            String done = action.get();
            refresh();
            changed.run();
            status.setText(done);
            status.removeClassName("pg-error");
        } catch (BadInputException e) {
            status.setText(e.getMessage());
            status.addClassName("pg-error");
        }
    }
}
