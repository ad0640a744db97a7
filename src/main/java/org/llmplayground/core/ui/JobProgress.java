package org.llmplayground.core.ui;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import org.llmplayground.core.jobs.Eta;
import org.llmplayground.core.jobs.JobEvent;
import org.llmplayground.core.jobs.JobRecord;
import org.llmplayground.core.jobs.JobRunner;
import org.llmplayground.core.jobs.JobState;
import org.llmplayground.core.jobs.Subscription;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one progress display for background jobs: a bar, a status line ("running · 42% · 1,200 of 5,000 documents read ·
 * about 2:05 left"), and a Cancel button. It follows a job by server push, stops listening when the view is left
 * (detach) and listens again when it comes back (attach); after a page reload {@link #followLatest} picks up the
 * newest job of a kind that is still running.
 * <p>
 * A lab reacts to its job through three hooks: {@link #onPayload} for its own typed events (learned merges, a
 * pipeline result, training metrics), {@link #onUpdate} for every state change (enable its Start button again) and
 * {@link #onFinished} once, when the job ends. Time left is {@link Eta}: the recent pace, the same estimate as
 * everywhere in the app.
 */
public class JobProgress extends HorizontalLayout {
    private final JobRunner jobs;
    private final ProgressBar bar = new ProgressBar();
    private final Span status = new Span();
    private final Button cancel = new Button("Cancel");
    private final Button again = new Button("Run again");
    private Consumer<Object> onPayload = p -> { };
    private Consumer<JobRecord> onUpdate = r -> { };
    private Consumer<JobRecord> onFinished = r -> { };
    private String cancelledMessage;
    private String itemName = "";
    private Eta eta = new Eta();
    private JobRecord last;
    private Subscription subscription;
    private UI ui;

    /** Ids: {@code <prefix>-progress}, {@code <prefix>-status}, {@code <prefix>-cancel}, {@code <prefix>-rerun}. */
    public JobProgress(JobRunner jobs, String idPrefix) {
        this.jobs = jobs;
        bar.setId(idPrefix + "-progress");
        bar.setWidth("16em");
        bar.setMinWidth("10em");
        status.setId(idPrefix + "-status");
        status.addClassName("pg-job-status");
        cancel.setId(idPrefix + "-cancel");
        cancel.addThemeVariants(ButtonVariant.LUMO_ERROR, ButtonVariant.LUMO_TERTIARY);
        cancel.setEnabled(false);
        cancel.addClickListener(e -> {
            if (last != null) {
                jobs.cancel(last.id());
            }
        });
        again.setId(idPrefix + "-rerun");
        again.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        again.setVisible(false);
        again.getElement().setAttribute("title", "Start this job again with the same settings");
        again.addClickListener(e -> runAgain());
        add(bar, cancel, again, status);
        setAlignItems(FlexComponent.Alignment.CENTER);
        setWidthFull();
        addClassName("pg-job-progress");
        shown(false);
    }

    /**
     * Hidden with CSS rather than {@code setVisible(false)}: Vaadin does not send a never-visible component's children
     * to the browser, and scripts and tests look for the status line's {@code data-job} before the first job.
     */
    private void shown(boolean on) {
        getStyle().set("display", on ? "flex" : "none");
    }

    @Override
    public void setVisible(boolean visible) {
        shown(visible);
    }

    public JobProgress onPayload(Consumer<Object> listener) {
        this.onPayload = listener;
        return this;
    }

    public JobProgress onUpdate(Consumer<JobRecord> listener) {
        this.onUpdate = listener;
        return this;
    }

    public JobProgress onFinished(Consumer<JobRecord> listener) {
        this.onFinished = listener;
        return this;
    }

    /** What the status says after a cancel (e.g. what was kept); default "cancelled · …". */
    public JobProgress cancelledMessage(String message) {
        this.cancelledMessage = message;
        return this;
    }

    /** The items a job counts, for "1,200 of 5,000 documents" (empty: just the numbers). */
    public JobProgress items(String name) {
        this.itemName = name.isEmpty() ? "" : " " + name;
        return this;
    }

    /** A job without a cancel (the lab offers its own stop, e.g. training's Stop with a checkpoint). */
    public JobProgress withoutCancel() {
        cancel.setVisible(false);
        return this;
    }

    /**
     * One click after an interruption (a restart, a crash) or a failure: the same settings as a new job, followed here;
     * the lab hears of it through {@link #onUpdate} like a job it started. A refusal (the source was deleted since) is
     * shown on the status line.
     */
    private void runAgain() {
        if (last == null) {
            return;
        }
        try {
            JobRecord next = jobs.rerun(last.id());
            follow(next);
            onUpdate.accept(next);
        } catch (org.llmplayground.core.BadInputException ex) {
            status.setText("Cannot run it again: " + ex.getMessage());
        }
    }

    /** Follows a job (just started, or found after a reload): shows its state now and every change by push. */
    public void follow(JobRecord job) {
        close();
        ui = UI.getCurrent();
        eta = new Eta();
        last = job;
        shown(true);
        render(job);
        subscribe();
    }

    /** After a reload: follows the newest job of {@code kind} if it is still running; returns that newest job, if any. */
    public Optional<JobRecord> followLatest(String kind) {
        Optional<JobRecord> newest = jobs.history(kind).stream().findFirst();
        newest.filter(j -> !j.state().isFinal()).ifPresent(this::follow);
        return newest;
    }

    /** Shows a finished job's last state without following it (e.g. the last result after a reload). */
    public void show(JobRecord job) {
        close();
        last = job;
        shown(true);
        render(job);
    }

    public boolean isActive() {
        return last != null && !last.state().isFinal();
    }

    public Optional<JobRecord> job() {
        return Optional.ofNullable(last);
    }

    public String statusText() {
        return status.getText();
    }

    private void subscribe() {
        if (last == null || last.state().isFinal() || ui == null) {
            return;
        }
        String id = last.id();
        UI target = ui;
        subscription = jobs.subscribe(id, ev -> target.access(() -> onEvent(ev)));
    }

    private void onEvent(JobEvent ev) {
        if (last == null || !ev.job().id().equals(last.id())) {
            return; // a late event of a job this display no longer follows
        }
        if (ev.payload() != null) {
            onPayload.accept(ev.payload());
        }
        apply(ev.job());
    }

    private void apply(JobRecord r) {
        boolean ended = r.state().isFinal() && !last.state().isFinal();
        last = r;
        render(r);
        onUpdate.accept(r);
        if (ended) {
            close();
            onFinished.accept(r);
        }
    }

    private void render(JobRecord r) {
        eta.observe(System.nanoTime() / 1e9, r.progress());
        bar.setValue(Math.max(0, Math.min(1, r.progress())));
        cancel.setEnabled(!r.state().isFinal());
        again.setVisible(r.state().isFinal() && r.state() != JobState.SUCCEEDED && jobs.canRerun(r));
        status.setText(describe(r, eta, itemName));
        if (r.state() == JobState.CANCELLED && cancelledMessage != null) {
            status.setText(cancelledMessage);
        }
        // for tests and scripts: which job the line describes, and its state, so nobody reads the previous job's line
        status.getElement().setAttribute("data-job", r.id());
        status.getElement().setAttribute("data-state", r.state().name().toLowerCase(Locale.ROOT));
    }

    /** The status line: state, percent, the job's message, items done of total, and time left while it runs. */
    static String describe(JobRecord r, Eta eta, String itemName) {
        StringBuilder b = new StringBuilder(r.state().name().toLowerCase(Locale.ROOT));
        b.append(String.format(Locale.ROOT, " · %.0f%%", 100 * Math.max(0, Math.min(1, r.progress()))));
        if (r.message() != null && !r.message().isBlank()) {
            b.append(" · ").append(r.message());
        }
        if (r.total() > 0) {
            b.append(String.format(Locale.ROOT, " · %,d of %,d%s", r.done(), r.total(), itemName));
        }
        if (r.state() == JobState.RUNNING) {
            eta.secondsLeft().ifPresent(s -> b.append(" · ").append(Eta.describe(s)));
        }
        return b.toString();
    }

    @Override
    protected void onAttach(AttachEvent event) {
        ui = event.getUI();
        if (subscription == null && last != null && !last.state().isFinal()) {
            // back on the view (navigation) or re-attached: the job may have moved on meanwhile
            jobs.find(last.id()).ifPresent(this::apply);
            subscribe();
        }
    }

    @Override
    protected void onDetach(DetachEvent event) {
        close();
    }

    private void close() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }
}
