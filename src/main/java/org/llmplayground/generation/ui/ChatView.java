package org.llmplayground.generation.ui;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.KeyModifier;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.tabs.TabSheet;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.StreamResource;
import io.micronaut.context.annotation.Prototype;
import org.llmplayground.app.ui.MainLayout;
import org.llmplayground.core.BackgroundExecutor;
import org.llmplayground.core.ui.Async;
import org.llmplayground.core.ui.Explainer;
import org.llmplayground.generation.GenerationService;
import org.llmplayground.generation.TokenEvent;
import org.llmplayground.generation.chat.ChatMessage;
import org.llmplayground.generation.chat.ChatService;
import org.llmplayground.generation.chat.ChatTemplate;
import org.llmplayground.generation.chat.Conversation;
import org.llmplayground.generation.chat.StoredMessage;
import org.llmplayground.generation.prompts.PromptService;
import org.llmplayground.model.LoadedModel;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Chat playground: conversations kept in H2 (list, rename, delete, continue, export), replies streamed token by
 * token with a stop button, regenerated replies kept as branches, a second model answering side by side, and the
 * prompt tools in a second tab.
 */
@Route(value = "chat", layout = MainLayout.class)
@PageTitle("Chat · LLM Playground")
@Prototype
public class ChatView extends VerticalLayout implements com.vaadin.flow.router.BeforeEnterObserver {
    static final String EXPLANATION = "<p><b>A chat is one long prompt.</b> The model never sees \"messages\": each turn, the "
            + "system prompt and the conversation so far are written into a single text with a <i>chat template</i>, ending "
            + "with the opening of the assistant's turn, and the model continues it. The reply ends at the template's next "
            + "turn marker (a stop sequence). A chat model was fine-tuned on one exact layout (ChatML's "
            + "<code>&lt;|im_start|&gt;user</code>, Llama 2's <code>[INST]</code>, Alpaca's <code>### Instruction:</code>) and "
            + "only behaves when it sees it again; a base model like the bundled Shakespeare one just continues the pattern, so "
            + "use the plain template.</p>"
            + "<p><b>The context window is the memory.</b> When the conversation no longer fits the model's context (128 "
            + "characters for the Shakespeare model, 1,024 tokens for GPT-2), the oldest turns are left out, and the reply "
            + "says how many. Nothing else is remembered between turns.</p>"
            + "<p><b>Try:</b> regenerate a reply and flip between the branches; answer with two models side by side; open "
            + "<i>Prompt tools</i>, fill in a template, read the advice, and send it.</p>";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT).withZone(ZoneId.systemDefault());

    private final ChatService chat;
    private final GenerationService generation;
    private final BackgroundExecutor executor;
    private final DecodingControls controls;
    private final ComboBox<LoadedModel.ModelInfo> compareModel = new ComboBox<>("Second model (side by side)");
    private final Select<ChatTemplate> template = new Select<>();
    private final TextArea system = new TextArea("System prompt");
    private final Grid<Conversation> conversations = new Grid<>();
    private final TextField title = new TextField("Title");
    private final Div messages = new Div();
    private final TextArea input = new TextArea();
    private final Button send = new Button("Send");
    private final Button stop = new Button("Stop");
    private final Button regenerate = new Button("Regenerate");
    private final Span error = new Span();
    private final HorizontalLayout exports = new HorizontalLayout();
    private final TabSheet tabs = new TabSheet();
    private final AtomicBoolean cancelled = new AtomicBoolean();
    private Conversation current;
    private StoredMessage lastCompare;
    private String lastCompareError;

    public ChatView(ChatService chat, GenerationService generation, PromptService prompts, BackgroundExecutor executor) {
        this.chat = chat;
        this.generation = generation;
        this.executor = executor;
        List<LoadedModel.ModelInfo> models = generation.models();
        this.controls = new DecodingControls(models);
        controls.setMaxTokens(60);
        setWidthFull();
        compareModel.setId("chat-compare-model");
        compareModel.setItems(models);
        compareModel.setItemLabelGenerator(LoadedModel.ModelInfo::name);
        compareModel.setClearButtonVisible(true);
        template.setId("chat-template");
        template.setLabel("Chat template");
        template.setItems(ChatTemplate.values());
        template.setItemLabelGenerator(ChatTemplate::title);
        template.setValue(ChatTemplate.PLAIN);
        system.setId("chat-system");
        system.setWidthFull();
        VerticalLayout chatTab = new VerticalLayout(new HorizontalLayout(compareModel, template), system, messages, error, composer());
        chatTab.setPadding(false);
        tabs.setWidthFull();
        tabs.add("Chat", chatTab);
        tabs.add("Prompt tools", new PromptToolsPanel(prompts, text -> {
            input.setValue(text);
            tabs.setSelectedIndex(0);
            input.focus();
        }));
        tabs.setId("chat-tabs");
        HorizontalLayout body = new HorizontalLayout(sidebar(), tabs, settingsPanel());
        body.setWidthFull();
        body.setFlexGrow(1, tabs);
        add(new H1("Chat playground"), new Explainer("How chat works on a language model", EXPLANATION), body);
        configureMessages();
        refreshList();
    }

    /**
     * The model and its ~20 sampling settings beside the conversation, in a panel that folds away: the message box
     * stays near the top instead of under every knob.
     */
    private Details settingsPanel() {
        Details panel = new Details("Model and sampling", controls);
        panel.setId("chat-settings");
        panel.setOpened(true);
        panel.addClassName("pg-side-panel");
        panel.getStyle().set("flex-shrink", "0").set("max-width", "22em").set("margin", "0");
        controls.addClassName("pg-side-controls");
        controls.setResponsiveSteps(new com.vaadin.flow.component.formlayout.FormLayout.ResponsiveStep("0", 2));
        return panel;
    }

    private VerticalLayout sidebar() {
        Button create = new Button("New chat", e -> newChat());
        create.setId("chat-new");
        conversations.setId("chat-list");
        conversations.addColumn(Conversation::title).setHeader("Conversations");
        conversations.addColumn(c -> TIME.format(c.updatedAt())).setAutoWidth(true).setFlexGrow(0);
        conversations.addThemeVariants(GridVariant.LUMO_COMPACT, GridVariant.LUMO_WRAP_CELL_CONTENT);
        conversations.setHeight("22em");
        conversations.asSingleSelect().addValueChangeListener(e -> {
            if (e.getValue() != null && (current == null || !current.id().equals(e.getValue().id()))) {
                open(e.getValue());
            }
        });
        title.setId("chat-title");
        Button rename = new Button("Rename", e -> act(() -> {
            current = chat.rename(current.id(), title.getValue());
            refreshList();
        }));
        rename.setId("chat-rename");
        Button delete = new Button("Delete", e -> act(() -> {
            chat.delete(current.id());
            current = null;
            messages.removeAll();
            refreshList();
        }));
        delete.setId("chat-delete");
        delete.addThemeVariants(ButtonVariant.LUMO_ERROR);
        exports.setId("chat-exports");
        VerticalLayout side = new VerticalLayout(create, conversations, title, new HorizontalLayout(rename, delete), exports);
        side.setWidth("300px");
        side.setPadding(false);
        side.getStyle().set("flex-shrink", "0");
        return side;
    }

    private Component composer() {
        input.setId("chat-input");
        input.setPlaceholder("Message (Ctrl+Enter sends)");
        input.setWidthFull();
        send.setId("chat-send");
        send.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        send.addClickListener(e -> send(false));
        // the text area commits its value on change (blur): reset the focus first, so the shortcut sends what is typed
        send.addClickShortcut(Key.ENTER, KeyModifier.CONTROL).resetFocusOnActiveElement();
        stop.setId("chat-stop");
        stop.setEnabled(false);
        stop.addClickListener(e -> cancelled.set(true));
        regenerate.setId("chat-regenerate");
        regenerate.addClickListener(e -> send(true));
        error.setId("chat-error");
        error.addClassName("pg-error");
        VerticalLayout v = new VerticalLayout(input, new HorizontalLayout(send, stop, regenerate));
        v.setPadding(false);
        return v;
    }

    private void configureMessages() {
        messages.setId("chat-messages");
        messages.setWidthFull();
        messages.getStyle().set("display", "flex").set("flex-direction", "column").set("gap", "var(--lumo-space-s)");
    }

    private void refreshList() {
        List<Conversation> list = chat.list();
        conversations.setItems(list);
        if (current != null) {
            list.stream().filter(c -> c.id().equals(current.id())).findFirst().ifPresent(conversations::select);
        }
    }

    private void newChat() {
        act(() -> {
            current = chat.create(controls.selectedModel().id(), template.getValue(), system.getValue(), controls.settings());
            lastCompare = null;
            lastCompareError = null;
            refreshList();
            render();
        });
    }

    private void open(Conversation c) {
        current = c;
        lastCompare = null;
        lastCompareError = null;
        title.setValue(c.title());
        controls.selectModel(c.model());
        compareModel.setValue(c.compareModel() == null ? null
                : compareModel.getListDataView().getItems().filter(m -> m.id().equals(c.compareModel())).findFirst().orElse(null));
        template.setValue(c.template());
        system.setValue(c.systemPrompt());
        render();
    }

    /** Sends the typed message (or regenerates the last reply) and streams the answer(s). */
    private void send(boolean again) {
        error.setText("");
        String text = input.getValue();
        try {
            if (current == null) {
                current = chat.create(controls.selectedModel().id(), template.getValue(), system.getValue(), controls.settings());
            }
            current = chat.configure(current.id(), controls.selectedModel().id(),
                    compareModel.getValue() == null ? null : compareModel.getValue().id(), template.getValue(), system.getValue(),
                    controls.settings());
            if (!again && text.isBlank()) {
                error.setText("Type a message first.");
                return;
            }
        } catch (RuntimeException e) {
            error.setText(Async.message(e));
            return;
        }
        if (!again) {
            messages.add(bubble(ChatMessage.USER, text, null, null));
            input.clear();
        }
        Div[] live = {liveBubble(current.model()), current.compareModel() == null ? null : liveBubble(current.compareModel())};
        messages.add(live[1] == null ? live[0] : sideBySide(live[0], live[1]));
        busy(true);
        UI ui = UI.getCurrent();
        ConcurrentLinkedQueue<Object[]> pending = new ConcurrentLinkedQueue<>();
        AtomicBoolean queued = new AtomicBoolean();
        String id = current.id();
        ChatService.Listener listener = (column, e) -> {
            pending.add(new Object[]{column, e});
            if (queued.compareAndSet(false, true)) {
                ui.access(() -> {
                    queued.set(false);
                    for (Object[] p; (p = pending.poll()) != null; ) {
                        Div target = live[(Integer) p[0]];
                        Span body = (Span) target.getChildren().skip(1).findFirst().orElseThrow();
                        body.setText(body.getText() + ((TokenEvent) p[1]).text());
                    }
                });
            }
        };
        cancelled.set(false);
        CompletableFuture.supplyAsync(() -> again ? chat.regenerate(id, listener, cancelled::get) : chat.send(id, text, listener, cancelled::get),
                executor).whenComplete((turn, failure) -> ui.access(() -> {
            busy(false);
            if (failure != null) {
                error.setText(Async.message(failure) + (again ? "" : " Your message is kept: change the settings and press Regenerate."));
            } else {
                lastCompare = turn.compareReply();
                lastCompareError = turn.compareError();
            }
            current = chat.get(id);
            refreshList();
            render();
        }));
    }

    private void busy(boolean on) {
        send.setEnabled(!on);
        regenerate.setEnabled(!on);
        stop.setEnabled(on);
    }

    /** Redraws the branch shown, with branch switches on replies that have alternatives. */
    private void render() {
        messages.removeAll();
        exports.removeAll();
        if (current == null) {
            return;
        }
        title.setValue(current.title());
        List<StoredMessage> path = chat.path(current.id());
        for (int i = 0; i < path.size(); i++) {
            StoredMessage m = path.get(i);
            Div b = bubble(m.role(), m.content(), m, chat.alternatives(current.id(), m.id()));
            boolean last = i == path.size() - 1;
            boolean compared = last && m.role().equals(ChatMessage.ASSISTANT) && (lastCompare != null || lastCompareError != null);
            messages.add(compared ? sideBySide(b, lastCompare != null ? bubble(ChatMessage.ASSISTANT, lastCompare.content(), lastCompare, null)
                    : compareFailure(lastCompareError)) : b);
        }
        exports.add(download("JSON", "json", ChatService.ExportFormat.JSON), download("Markdown", "md", ChatService.ExportFormat.MARKDOWN));
    }

    private Anchor download(String label, String extension, ChatService.ExportFormat format) {
        String id = current.id();
        String file = current.title().replaceAll("[^A-Za-z0-9._-]+", "-") + "." + extension;
        Anchor a = new Anchor(new StreamResource(file, () -> new ByteArrayInputStream(chat.export(id, format).getBytes(StandardCharsets.UTF_8))),
                "Export " + label);
        a.getElement().setAttribute("download", true);
        a.setId("chat-export-" + extension);
        return a;
    }

    private Div bubble(String role, String text, StoredMessage m, List<StoredMessage> alternatives) {
        Div head = new Div();
        head.getStyle().set("font-size", "var(--lumo-font-size-s)").set("color", "var(--lumo-secondary-text-color)");
        if (role.equals(ChatMessage.USER)) {
            head.setText("You");
        } else {
            head.setText("Assistant · " + (m == null ? "" : m.model() + " · " + m.tokens() + " tokens · "
                    + String.format(Locale.ROOT, "%.1f s", m.millis() / 1000) + (m.droppedTurns() != null && m.droppedTurns() > 0
                    ? " · " + m.droppedTurns() + " oldest turn(s) left out to fit the context" : "")
                    + ("cancelled".equals(m.finish()) ? " · stopped" : "")));
        }
        if (alternatives != null && alternatives.size() > 1) {
            int at = alternatives.stream().map(StoredMessage::id).toList().indexOf(m.id());
            Button prev = new Button("‹", e -> act(() -> {
                current = chat.switchTo(current.id(), alternatives.get(at - 1).id());
                lastCompare = null;
                lastCompareError = null;
                render();
            }));
            prev.setEnabled(at > 0);
            prev.addClassName("chat-branch-prev");
            Button next = new Button("›", e -> act(() -> {
                current = chat.switchTo(current.id(), alternatives.get(at + 1).id());
                lastCompare = null;
                lastCompareError = null;
                render();
            }));
            next.setEnabled(at < alternatives.size() - 1);
            next.addClassName("chat-branch-next");
            Span pos = new Span((at + 1) + " / " + alternatives.size());
            pos.addClassName("chat-branch-position");
            for (Button b : List.of(prev, next)) {
                b.addThemeVariants(ButtonVariant.LUMO_TERTIARY_INLINE, ButtonVariant.LUMO_SMALL);
            }
            head.add(new Span("   "), prev, pos, next);
        }
        Span body = new Span(text);
        body.getStyle().set("white-space", "pre-wrap");
        Div d = new Div(head, body);
        d.addClassName("chat-message");
        d.addClassName("chat-" + role);
        d.getStyle().set("padding", "var(--lumo-space-s) var(--lumo-space-m)").set("border-radius", "var(--lumo-border-radius-l)")
                .set("max-width", "100%").set("background", role.equals(ChatMessage.USER) ? "var(--lumo-primary-color-10pct)"
                        : "var(--lumo-contrast-5pct)");
        return d;
    }

    private Div liveBubble(String model) {
        Div d = bubble(ChatMessage.ASSISTANT, "", null, null);
        ((Div) d.getChildren().findFirst().orElseThrow()).setText("Assistant · " + model + " · writing…");
        d.addClassName("chat-live");
        return d;
    }

    /** The comparison column when its model could not answer: the main reply stands, this says why. */
    private Div compareFailure(String message) {
        Div d = bubble(ChatMessage.ASSISTANT, message, null, null);
        d.setId("chat-compare-error");
        d.addClassName("pg-error");
        return d;
    }

    private Div sideBySide(Div left, Div right) {
        left.getStyle().set("flex", "1");
        right.getStyle().set("flex", "1");
        Div row = new Div(left, right);
        row.addClassName("chat-side-by-side");
        row.getStyle().set("display", "flex").set("gap", "var(--lumo-space-m)");
        return row;
    }

    private void act(Runnable r) {
        error.setText("");
        try {
            r.run();
        } catch (RuntimeException e) {
            error.setText(Async.message(e));
        }
    }

    /** {@code chat?model=<id>&template=<name>}: opened from another lab (e.g. a merged fine-tuned model) with both chosen. */
    @Override
    public void beforeEnter(com.vaadin.flow.router.BeforeEnterEvent event) {
        var params = event.getLocation().getQueryParameters();
        params.getSingleParameter("model").ifPresent(id -> {
            controls.setModels(generation.models());
            controls.selectModel(id);
        });
        params.getSingleParameter("template").ifPresent(t -> {
            try {
                template.setValue(ChatTemplate.parse(t));
            } catch (RuntimeException e) {
                error.setText(e.getMessage());
            }
        });
    }
}
